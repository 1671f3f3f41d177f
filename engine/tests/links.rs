//! Conference links, black-box: real-looking join links of every provider form, links
//! wrapped by every security gateway (in the simulator's exact formats and in captured
//! real ones), and properties that must hold for any link or any string.

use engine::links::{
    ConferenceKind, ConferenceLink, ConferenceProvider, LinkFinding, UnwrapError, Wrapper, classify, detect_wrapper,
    find_links, recognize, unwrap, unwrap_all,
};
use proptest::prelude::*;
use simulator::links::{LinkWrapper, wrap_seeded};

// ---------------------------------------------------------------------------------------
// Recognizing join links.

/// `(provider, kind, meeting_id, passcode)` of a recognized link, for compact tables.
type Summary<'a> = (ConferenceProvider, ConferenceKind, &'a str, Option<&'a str>);

fn check_recognize(url: &str, expected: Option<Summary<'_>>) {
    let actual = recognize(url);
    let summary = actual
        .as_ref()
        .map(|l| (l.provider, l.kind, l.meeting_id.as_deref().unwrap_or_default(), l.passcode.as_deref()));
    assert_eq!(summary, expected, "recognize({url:?}) = {actual:?}");
}

const TEAMS_CLASSIC: &str = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjJiYTk0ZWQtNGQ3Ni00ZGI5LWE3ZjMtNmQ4ZjU0ZDVmYjZk%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22e1b2c3d4-0000-1111-2222-333344445555%22%7d";
const TEAMS_THREAD: &str = "19:meeting_NjJiYTk0ZWQtNGQ3Ni00ZGI5LWE3ZjMtNmQ4ZjU0ZDVmYjZk@thread.v2";

#[test]
fn recognizes_zoom_meeting_webinar_and_personal_links() {
    use ConferenceKind::*;
    use ConferenceProvider::Zoom;
    let cases: &[(&str, Option<Summary>)] = &[
        (
            "https://zoom.us/j/92345678901?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ.1",
            Some((Zoom, Meeting, "92345678901", Some("aBcDeFgHiJkLmNoPqRsTuVwXyZ.1"))),
        ),
        ("https://us02web.zoom.us/j/81234567890?pwd=Zm9vYmFy", Some((Zoom, Meeting, "81234567890", Some("Zm9vYmFy")))),
        ("https://acme.zoom.us/j/123456789", Some((Zoom, Meeting, "123456789", None))),
        ("https://zoom.us/j/123456789012?from=addon", Some((Zoom, Meeting, "123456789012", None))),
        ("HTTPS://ZOOM.US/j/123456789", Some((Zoom, Meeting, "123456789", None))),
        ("https://zoom.us/my/jane.doe", Some((Zoom, PersonalRoom, "jane.doe", None))),
        ("https://acme.zoom.us/my/sales_team-1", Some((Zoom, PersonalRoom, "sales_team-1", None))),
        ("https://zoom.us/w/94567890123?tk=x.y", Some((Zoom, Webinar, "94567890123", None))),
        ("https://zoom.us/j/12345", None),
        ("https://zoom.us/j/abcdefghi", None),
        ("https://zoom.us/s/123456789", None),
        ("https://zoom.us/", None),
        ("https://notzoom.us/j/123456789", None),
        ("https://zoom.us.evil.example/j/123456789", None),
        ("zoommtg://zoom.us/join?confno=123456789", None),
    ];
    for &(url, expected) in cases {
        check_recognize(url, expected);
    }
}

#[test]
fn recognizes_teams_classic_short_consumer_and_launcher_links() {
    use ConferenceKind::Meeting;
    use ConferenceProvider::Teams;
    let launcher = "https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting_NjJiYTk0ZWQtNGQ3Ni00ZGI5LWE3ZjMtNmQ4ZjU0ZDVmYjZk%40thread.v2%2F0%3Fcontext%3D%257b%2522Tid%2522%253a%252272f988bf%2522%257d%26anon%3Dtrue&type=meetup-join&deeplinkId=c0ffee&directDl=true&msLaunch=true&enableMobilePage=true&suppressPrompt=true";
    let launcher_full = format!(
        "https://teams.microsoft.com/dl/launcher/launcher.html?url={}",
        TEAMS_CLASSIC
            .replace('%', "%25")
            .replace('/', "%2F")
            .replace('?', "%3F")
            .replace('=', "%3D")
            .replace('&', "%26")
    );
    let cases: Vec<(&str, Option<Summary>)> = vec![
        (TEAMS_CLASSIC, Some((Teams, Meeting, TEAMS_THREAD, None))),
        (
            "https://teams.microsoft.com/l/meetup-join/19%3a0a1b2c3d4e5f%40thread.tacv2/1600000000000?context=%7b%7d",
            Some((Teams, Meeting, "19:0a1b2c3d4e5f@thread.tacv2", None)),
        ),
        (
            "https://teams.microsoft.com/meet/23456789012345?p=AbCdEf12",
            Some((Teams, Meeting, "23456789012345", Some("AbCdEf12"))),
        ),
        ("https://teams.live.com/meet/9387461029384", Some((Teams, Meeting, "9387461029384", None))),
        ("https://teams.live.com/meet/9387461029384?p=xYz123", Some((Teams, Meeting, "9387461029384", Some("xYz123")))),
        (launcher, Some((Teams, Meeting, TEAMS_THREAD, None))),
        (&launcher_full, Some((Teams, Meeting, TEAMS_THREAD, None))),
        ("https://teams.microsoft.com/dl/launcher/launcher.html?type=meetup-join", None),
        ("https://teams.microsoft.com/l/chat/0/0?users=a@b.com", None),
        ("https://teams.microsoft.com/l/meetup-join/not-a-thread/0", None),
        ("https://teams.microsoft.com/meet/abc?p=1", None),
    ];
    for (url, expected) in cases {
        check_recognize(url, expected);
    }
}

#[test]
fn launcher_link_reports_the_meetup_join_link_it_opens() {
    let launcher = "https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting_abc%40thread.v2%2F0%3Fcontext%3D%257b%257d&type=meetup-join";
    let link = recognize(launcher).map(|l| l.url);
    assert_eq!(
        link.as_deref(),
        Some("https://teams.microsoft.com/l/meetup-join/19:meeting_abc@thread.v2/0?context=%7b%7d")
    );
}

#[test]
fn recognizes_meet_and_webex_links() {
    use ConferenceKind::*;
    use ConferenceProvider::{Meet, Webex};
    let cases: &[(&str, Option<Summary>)] = &[
        ("https://meet.google.com/abc-defg-hij", Some((Meet, Meeting, "abc-defg-hij", None))),
        ("https://meet.google.com/xyz-abcd-efg?authuser=0&hs=122", Some((Meet, Meeting, "xyz-abcd-efg", None))),
        ("http://Meet.Google.com/qrs-tuvw-xyz/", Some((Meet, Meeting, "qrs-tuvw-xyz", None))),
        ("https://meet.google.com/abc-defg-hi", None),
        ("https://meet.google.com/abcd-efg-hij", None),
        ("https://meet.google.com/ab1-defg-hij", None),
        ("https://meet.google.com/lookup/team-standup", None),
        ("https://meet.google.com.evil.example/abc-defg-hij", None),
        ("https://acme.webex.com/meet/jane.doe", Some((Webex, PersonalRoom, "jane.doe", None))),
        ("https://acme.my.webex.com/meet/j.doe", Some((Webex, PersonalRoom, "j.doe", None))),
        (
            "https://acme.webex.com/acme/j.php?MTID=m8a2f0c4e6b1d3f5a7c9e0b2d4f6a8c0e",
            Some((Webex, Meeting, "m8a2f0c4e6b1d3f5a7c9e0b2d4f6a8c0e", None)),
        ),
        ("https://acme.webex.com/acme/j.php?MTID=m8a2f0c4e6b1d3f5a7c9e0b2d4f6a8c0", None),
        ("https://acme.webex.com/acme/j.php?MTID=x8a2f0c4e6b1d3f5a7c9e0b2d4f6a8c0e", None),
        ("https://acme.webex.com/acme/j.php?MTID=m8a2f0c4e6b1d3f5a7c9e0b2d4f6a8c0g", None),
        ("https://www.webex.com/downloads.html", None),
    ];
    for &(url, expected) in cases {
        check_recognize(url, expected);
    }
}

#[test]
fn tolerates_punctuation_picked_up_from_text() {
    let cases: &[(&str, &str)] = &[
        ("https://zoom.us/j/123456789).", "https://zoom.us/j/123456789"),
        ("<https://meet.google.com/abc-defg-hij>", "https://meet.google.com/abc-defg-hij"),
        ("(https://acme.webex.com/meet/jane.doe)", "https://acme.webex.com/meet/jane.doe"),
        ("  https://teams.live.com/meet/9387461029384,\n", "https://teams.live.com/meet/9387461029384"),
        ("\"https://zoom.us/my/jane.doe\";", "https://zoom.us/my/jane.doe"),
    ];
    for &(input, url) in cases {
        let link = recognize(input).map(|l| l.url);
        assert_eq!(link.as_deref(), Some(url), "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Finding URLs in text.

fn check_find(text: &str, expected: &[&str]) {
    assert_eq!(find_links(text), expected, "find_links({text:?})");
}

#[test]
fn finds_every_link_in_free_text_in_order() {
    check_find("", &[]);
    check_find("no links here, not even http:// alone", &[]);
    check_find("Join: https://zoom.us/j/123456789?pwd=abc. Dial-in below.", &["https://zoom.us/j/123456789?pwd=abc"]);
    check_find(
        "Primary https://meet.google.com/abc-defg-hij, backup (https://zoom.us/j/987654321)!",
        &["https://meet.google.com/abc-defg-hij", "https://zoom.us/j/987654321"],
    );
    check_find(
        "<a href=\"https://teams.microsoft.com/meet/2345678901?p=Xy\">Join</a><br>HTTPS://ACME.WEBEX.COM/meet/jd",
        &["https://teams.microsoft.com/meet/2345678901?p=Xy", "HTTPS://ACME.WEBEX.COM/meet/jd"],
    );
    check_find(
        "[Join](https://zoom.us/j/123456789) or see https://en.wikipedia.org/wiki/Zoom_(software).",
        &["https://zoom.us/j/123456789", "https://en.wikipedia.org/wiki/Zoom_(software)"],
    );
    check_find(
        "会議：https://meet.google.com/abc-defg-hij。よろしく «https://zoom.us/j/123456789»",
        &["https://meet.google.com/abc-defg-hij", "https://zoom.us/j/123456789"],
    );
    check_find(
        "Location: https://urldefense.com/v3/__https://zoom.us/j/123456789__;!!AbC!dEf$ (wrapped)",
        &["https://urldefense.com/v3/__https://zoom.us/j/123456789__;!!AbC!dEf$"],
    );
}

// ---------------------------------------------------------------------------------------
// Gateways: detection and unwrapping, on captured-style links.

fn check_unwrap(url: &str, wrapper: Option<Wrapper>, expected: Result<&str, UnwrapError>) {
    assert_eq!(detect_wrapper(url), wrapper, "detect_wrapper({url:?})");
    assert_eq!(unwrap(url).as_deref().map_err(Clone::clone), expected, "unwrap({url:?})");
}

#[test]
fn unwraps_proofpoint_v1_v2_v3() {
    use Wrapper::*;
    let cases: Vec<(&str, Option<Wrapper>, Result<&str, UnwrapError>)> = vec![
        (
            "https://urldefense.proofpoint.com/v1/url?u=https%3A%2F%2Fzoom.us%2Fj%2F123456789%3Fpwd%3Dabc%26amp%3Buname%3Dx&k=oIvRg1%2BdGAgOoM1BIlLLqw%3D%3D%0A&r=IKM5u8%2B%2F%2Fi8EBhWOS%2BqGbTqCC%2BrMqWI%2FVfEAEsQO%2F0Y%3D%0A&m=Ww6kun8c%2B%2FnNuMC%2FDh4x8o%3D%0A&s=d3583cfa53dade97025bc6274c89d4e36d13be7a1f1e5f5dbd88d86a2ec3f3e9",
            Some(ProofpointV1),
            Ok("https://zoom.us/j/123456789?pwd=abc&uname=x"),
        ),
        (
            "https://urldefense.proofpoint.com/v1/url?u=http://www.bouncycastle.org/&k=oIvRg1%2BdGAgOoM1BIlLLqw%3D%3D%0A&r=IKM5u8%2B%2F%2Fi8EBhWOS%2BqGbTqCC%2BrMqWI%2FVfEAEsQO%2F0Y%3D%0A",
            Some(ProofpointV1),
            Ok("http://www.bouncycastle.org/"),
        ),
        (
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.us_j_123&d=DwMFaQ&c=euGZstcaTDllvimEN8b7jXrwqOf-v5A_CdpgnVfiiMM&r=6Jcx_cY7Ex4n8fP1rLjZcJbM-Fy0rP2Ik4nQRq8sT5A&m=3jK7e0u9qKe6uYbQ_6Q3k5hvE0yKiD0A4VsBgkzQnFg&s=0u2rJm3X0Sx7NvGX0dW9Dq5F2qW3iBq0Y1wZdC3F4gE&e=",
            Some(ProofpointV2),
            Ok("https://zoom.us/j/123"),
        ),
        (
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__acme.zoom.us_my_jane-5Fdoe-2Dsales&d=DwMFaQ&c=x&r=y&m=z&s=w&e=",
            Some(ProofpointV2),
            Ok("https://acme.zoom.us/my/jane_doe-sales"),
        ),
        (
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__teams.microsoft.com_meet_2345678901-3Fp-3DAb-26amp-3Bx-3D1&d=DwMFaQ&c=x&r=y&m=z&s=w&e=",
            Some(ProofpointV2),
            Ok("https://teams.microsoft.com/meet/2345678901?p=Ab&x=1"),
        ),
        (
            "https://urldefense.com/v3/__https://google.com:443/search?q=a*test&gs=ps__;Kw!-612Flbf0JvQ3kNJkRi5Jg!Ue6tQudNKaShHg93trcdjqDP8se2ySE65jV8VrQ1G2CaVRrLJTtoBk6GBuS4xVAP3Ugv6LHC$",
            Some(ProofpointV3),
            Ok("https://google.com:443/search?q=a+test&gs=ps"),
        ),
        (
            "https://urldefense.com/v3/__https://firebasestorage.googleapis.com/v0/b/gund.appspot.com/o/owa*2Findex.html?alt=media&token=02497332*vicky@example.com__;JSM!!Fjc1LPEtn8I!AbCdEf$",
            Some(ProofpointV3),
            Ok(
                "https://firebasestorage.googleapis.com/v0/b/gund.appspot.com/o/owa%2Findex.html?alt=media&token=02497332#vicky@example.com",
            ),
        ),
        (
            "https://urldefense.com/v3/__https://zoom.us/j/123456789?pwd=a**Ab__;JSM!!Fjc1LPEtn8I!AbC$",
            Some(ProofpointV3),
            Ok("https://zoom.us/j/123456789?pwd=a%#b"),
        ),
        (
            "https://urldefense.com/v3/__https://meet.google.com/abc-defg-hij__;!!Fjc1LPEtn8I!Xyz$",
            Some(ProofpointV3),
            Ok("https://meet.google.com/abc-defg-hij"),
        ),
        (
            "https://urldefense.com/v3/__https:/meet.google.com/abc-defg-hij__;!!Fjc1LPEtn8I!Xyz$",
            Some(ProofpointV3),
            Ok("https://meet.google.com/abc-defg-hij"),
        ),
        ("https://urldefense.com/v3/__https://x.example/*__;w6k!!a!b$", Some(ProofpointV3), Ok("https://x.example/é")),
        (
            "https://urldefense.com/v3/__https://x.example/*__;@@!!a!b$",
            Some(ProofpointV3),
            Err(UnwrapError::Malformed { wrapper: ProofpointV3, reason: "the replaced characters are not base64url" }),
        ),
        (
            "https://urldefense.com/v3/__https://x.example/**C__;Kw!!a!b$",
            Some(ProofpointV3),
            Err(UnwrapError::Malformed { wrapper: ProofpointV3, reason: "more `*` than replaced characters" }),
        ),
        (
            "https://urldefense.com/v3/https://x.example/",
            Some(ProofpointV3),
            Err(UnwrapError::Malformed { wrapper: ProofpointV3, reason: "no `__` after /v3/" }),
        ),
        (
            "https://urldefense.proofpoint.com/v2/url?d=DwMFaQ&e=",
            Some(ProofpointV2),
            Err(UnwrapError::MissingParameter { wrapper: ProofpointV2, param: "u" }),
        ),
        ("https://urldefense.proofpoint.com/v4/url?u=x", None, Err(UnwrapError::NotWrapped)),
    ];
    for (url, wrapper, expected) in cases {
        check_unwrap(url, wrapper, expected);
    }
}

#[test]
fn unwraps_safe_links_and_barracuda_and_refuses_mimecast() {
    use Wrapper::*;
    let cases: Vec<(&str, Option<Wrapper>, Result<&str, UnwrapError>)> = vec![
        (
            "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fteams.microsoft.com%2Fmeet%2F23456789012%3Fp%3DAbCdEf12&data=05%7C02%7C%7C6b1a2c3d4e5f60718293a4b5c6d7e8f9%7C72f988bf86f141af91ab2d7cd011db47%7C0%7C0%7C638512345678901234%7CUnknown%7CTWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAiLCJQIjoiV2luMzIiLCJBTiI6Ik1haWwiLCJXVCI6Mn0%3D%7C0%7C%7C%7C&sdata=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c%3D&reserved=0",
            Some(SafeLinks),
            Ok("https://teams.microsoft.com/meet/23456789012?p=AbCdEf12"),
        ),
        (
            "https://EUR01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fmeet.google.com%2Fabc-defg-hij&amp;data=05%7C02&amp;sdata=x%3D&amp;reserved=0",
            Some(SafeLinks),
            Ok("https://meet.google.com/abc-defg-hij"),
        ),
        (
            "https://nam02.safelinks.protection.outlook.com/?data=05%7C02&reserved=0",
            Some(SafeLinks),
            Err(UnwrapError::MissingParameter { wrapper: SafeLinks, param: "url" }),
        ),
        (
            "https://linkprotect.cudasvc.com/url?a=https%3a%2f%2facme.webex.com%2fmeet%2fjane.doe&c=E,1,Xo8IWXEH2dB5kvfSsd5fvzQw6oKYTLxKE1BwMhm6jdky,&typo=1",
            Some(Barracuda),
            Ok("https://acme.webex.com/meet/jane.doe"),
        ),
        (
            "https://protect-us.mimecast.com/s/8Xb1CgJ5KMt1Mx5nfBqQXv?domain=zoom.us",
            Some(Mimecast),
            Err(UnwrapError::NotReversible(Mimecast)),
        ),
        (
            "https://protect-eu.mimecast.com/s/AbCdEfGhIjKl?domain=meet.google.com",
            Some(Mimecast),
            Err(UnwrapError::NotReversible(Mimecast)),
        ),
        (
            "https://url.uk.m.mimecastprotect.com/s/AbCdEfGhIjKlMnOp?domain=teams.microsoft.com",
            Some(Mimecast),
            Err(UnwrapError::NotReversible(Mimecast)),
        ),
        ("https://www.mimecast.com/s/pricing", None, Err(UnwrapError::NotWrapped)),
        ("https://zoom.us/j/123456789", None, Err(UnwrapError::NotWrapped)),
        ("not a url", None, Err(UnwrapError::NotWrapped)),
    ];
    for (url, wrapper, expected) in cases {
        check_unwrap(url, wrapper, expected);
    }
}

#[test]
fn wrapper_names_and_reversibility() {
    let names: Vec<(&str, bool)> = Wrapper::ALL.iter().map(|w| (w.name(), w.reversible())).collect();
    assert_eq!(
        names,
        [
            ("Proofpoint URL Defense v1", true),
            ("Proofpoint URL Defense v2", true),
            ("Proofpoint URL Defense v3", true),
            ("Microsoft Safe Links", true),
            ("Mimecast", false),
            ("Barracuda", true),
        ]
    );
    for (sim, eng) in LinkWrapper::ALL.iter().zip(Wrapper::ALL) {
        assert_eq!(sim.name(), eng.name());
        assert_eq!(sim.reversible(), eng.reversible());
    }
}

#[test]
fn unwrap_all_peels_double_wrapping_and_stops_at_mimecast_or_too_deep() {
    let zoom = "https://zoom.us/j/123456789?pwd=abc";
    let twice = wrap_seeded(&wrap_seeded(zoom, LinkWrapper::SafeLinks, 1), LinkWrapper::ProofpointV3, 2);
    assert_eq!(unwrap_all(&twice).as_deref(), Ok(zoom));
    assert_eq!(unwrap(&twice).map(|u| detect_wrapper(&u)), Ok(Some(Wrapper::SafeLinks)));

    let around_mimecast = wrap_seeded(&wrap_seeded(zoom, LinkWrapper::Mimecast, 1), LinkWrapper::Barracuda, 2);
    assert_eq!(unwrap_all(&around_mimecast), Err(UnwrapError::NotReversible(Wrapper::Mimecast)));

    assert_eq!(unwrap_all(zoom).as_deref(), Ok(zoom));

    let mut deep = zoom.to_string();
    for seed in 0..6 {
        deep = wrap_seeded(&deep, LinkWrapper::SafeLinks, seed);
    }
    assert_eq!(unwrap_all(&deep), Err(UnwrapError::TooDeep(engine::links::MAX_UNWRAP_DEPTH)));
}

// ---------------------------------------------------------------------------------------
// Classifying.

fn check_classify(url: &str, unwrap_links: bool, expected: &LinkFinding) {
    assert_eq!(&classify(url, unwrap_links), expected, "classify({url:?}, {unwrap_links})");
}

fn zoom_link(url: &str) -> ConferenceLink {
    ConferenceLink {
        provider: ConferenceProvider::Zoom,
        kind: ConferenceKind::Meeting,
        url: url.to_string(),
        meeting_id: Some("123456789".into()),
        passcode: Some("abc".into()),
    }
}

#[test]
fn classify_respects_the_unwrap_setting() {
    let zoom = "https://zoom.us/j/123456789?pwd=abc";
    let v2 = wrap_seeded(zoom, LinkWrapper::ProofpointV2, 3);
    let mimecast = wrap_seeded(zoom, LinkWrapper::Mimecast, 3);
    let other = wrap_seeded("https://example.com/agenda.pdf", LinkWrapper::SafeLinks, 3);
    let cases: Vec<(&str, bool, LinkFinding)> = vec![
        (zoom, false, LinkFinding::Recognized(zoom_link(zoom))),
        ("(https://zoom.us/j/123456789?pwd=abc).", true, LinkFinding::Recognized(zoom_link(zoom))),
        (&v2, false, LinkFinding::Wrapped { wrapper: Wrapper::ProofpointV2, inner: Some(zoom_link(zoom)) }),
        (&v2, true, LinkFinding::Recognized(zoom_link(zoom))),
        (&mimecast, false, LinkFinding::Wrapped { wrapper: Wrapper::Mimecast, inner: None }),
        (&mimecast, true, LinkFinding::Wrapped { wrapper: Wrapper::Mimecast, inner: None }),
        (&other, false, LinkFinding::Wrapped { wrapper: Wrapper::SafeLinks, inner: None }),
        (&other, true, LinkFinding::Unrecognized("https://example.com/agenda.pdf".into())),
        ("https://example.com/", true, LinkFinding::Unrecognized("https://example.com/".into())),
    ];
    for (url, unwrap_links, expected) in cases {
        check_classify(url, unwrap_links, &expected);
    }
}

#[test]
fn findings_serialize_with_snake_case_names() {
    let finding = LinkFinding::Wrapped { wrapper: Wrapper::SafeLinks, inner: None };
    let json = serde_json::to_string(&finding).unwrap_or_default();
    assert_eq!(json, r#"{"wrapped":{"wrapper":"safe_links","inner":null}}"#);
    let link = recognize("https://meet.google.com/abc-defg-hij").map(|l| serde_json::to_value(l).unwrap_or_default());
    assert_eq!(link.as_ref().and_then(|v| v["provider"].as_str()), Some("meet"));
}

// ---------------------------------------------------------------------------------------
// Properties.

/// Characters that stress every encoder: separators, escapes, `*`, HTML-entity starts,
/// and non-ASCII.
fn tricky_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => proptest::sample::select(vec![
                '_', '-', '?', '=', '&', '%', '#', '*', '+', ';', '.', '~', '/', ':', '!', '$',
                ' ', '(', ')', '\'', '"', '<', '>', '@', ',', 'é', 'ü', '日', '本', '😀',
            ]),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn zoom_url() -> impl Strategy<Value = String> {
    (prop_oneof![Just(""), Just("us02web."), Just("acme.")], "[1-9][0-9]{8,11}", tricky_text())
        .prop_map(|(sub, id, pwd)| format!("https://{sub}zoom.us/j/{id}?pwd={pwd}"))
}

fn teams_url() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[A-Za-z0-9]{20,40}", "[0-9a-f]{8}").prop_map(|(thread, tid)| format!(
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{thread}%40thread.v2/0?context=%7b%22Tid%22%3a%22{tid}%22%7d"
        )),
        ("[0-9]{10,15}", tricky_text())
            .prop_map(|(id, p)| format!("https://teams.microsoft.com/meet/{id}?p={p}")),
        "[0-9]{10,14}".prop_map(|id| format!("https://teams.live.com/meet/{id}")),
    ]
}

fn meet_url() -> impl Strategy<Value = String> {
    ("[a-z]{3}-[a-z]{4}-[a-z]{3}", tricky_text())
        .prop_map(|(code, q)| format!("https://meet.google.com/{code}?authuser={q}"))
}

fn webex_url() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z]{3,10}", "[a-z][a-z0-9._-]{1,15}")
            .prop_map(|(site, user)| format!("https://{site}.webex.com/meet/{user}")),
        ("[a-z]{3,10}", "[0-9a-f]{32}")
            .prop_map(|(site, hex)| format!("https://{site}.webex.com/{site}/j.php?MTID=m{hex}")),
    ]
}

fn conference_url() -> impl Strategy<Value = String> {
    prop_oneof![zoom_url(), teams_url(), meet_url(), webex_url()]
}

fn reversible_wrapper() -> impl Strategy<Value = LinkWrapper> {
    proptest::sample::select(LinkWrapper::ALL.into_iter().filter(LinkWrapper::reversible).collect::<Vec<_>>())
}

fn any_wrapper() -> impl Strategy<Value = LinkWrapper> {
    proptest::sample::select(LinkWrapper::ALL.to_vec())
}

fn engine_wrapper(w: LinkWrapper) -> Wrapper {
    match w {
        LinkWrapper::ProofpointV1 => Wrapper::ProofpointV1,
        LinkWrapper::ProofpointV2 => Wrapper::ProofpointV2,
        LinkWrapper::ProofpointV3 => Wrapper::ProofpointV3,
        LinkWrapper::SafeLinks => Wrapper::SafeLinks,
        LinkWrapper::Mimecast => Wrapper::Mimecast,
        LinkWrapper::Barracuda => Wrapper::Barracuda,
    }
}

/// Strings that start like a wrapped link, so the decoders see hostile input.
fn hostile_wrapped() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(vec![
            "https://urldefense.proofpoint.com/v1/url?u=",
            "https://urldefense.proofpoint.com/v2/url?u=",
            "https://urldefense.com/v3/__",
            "https://urldefense.com/v3/__https://x/*",
            "https://nam02.safelinks.protection.outlook.com/?url=",
            "https://linkprotect.cudasvc.com/url?a=",
            "https://protect-us.mimecast.com/s/",
            "https://teams.microsoft.com/dl/launcher/launcher.html?url=",
            "https://zoom.us/j/",
        ]),
        "\\PC*",
    )
        .prop_map(|(prefix, rest)| format!("{prefix}{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_generated_conference_link_is_recognized(url in conference_url()) {
        prop_assert!(recognize(&url).is_some(), "{url}");
    }

    #[test]
    fn unwrap_inverts_every_reversible_wrapper(
        url in conference_url(),
        wrapper in reversible_wrapper(),
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(&url, wrapper, seed);
        prop_assert_eq!(unwrap(&wrapped), Ok(url.clone()), "{}", wrapped);
    }

    #[test]
    fn unwrap_inverts_wrapping_of_any_text_after_a_host(
        rest in "\\PC*",
        wrapper in reversible_wrapper(),
        seed in any::<u64>(),
    ) {
        let url = format!("https://example.com/{rest}");
        let wrapped = wrap_seeded(&url, wrapper, seed);
        prop_assert_eq!(unwrap(&wrapped), Ok(url), "{}", wrapped);
    }

    #[test]
    fn unwrap_all_inverts_double_wrapping(
        url in conference_url(),
        inner in reversible_wrapper(),
        outer in reversible_wrapper(),
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(&wrap_seeded(&url, inner, seed), outer, seed.wrapping_add(1));
        prop_assert_eq!(unwrap_all(&wrapped), Ok(url));
    }

    #[test]
    fn wrapped_links_are_wrapped_when_unwrapping_is_off(
        url in conference_url(),
        wrapper in any_wrapper(),
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(&url, wrapper, seed);
        match classify(&wrapped, false) {
            LinkFinding::Wrapped { wrapper: found, inner } => {
                prop_assert_eq!(found, engine_wrapper(wrapper));
                let expected = if wrapper.reversible() { recognize(&url) } else { None };
                prop_assert_eq!(inner, expected);
            }
            other => prop_assert!(false, "{} gave {:?}", wrapped, other),
        }
    }

    #[test]
    fn wrapped_links_are_recognized_when_unwrapping_is_on(
        url in conference_url(),
        wrapper in reversible_wrapper(),
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(&url, wrapper, seed);
        let expected = recognize(&url).map(LinkFinding::Recognized);
        prop_assert_eq!(Some(classify(&wrapped, true)), expected);
    }

    #[test]
    fn wrapped_links_are_found_whole_in_text(
        url in conference_url(),
        wrapper in any_wrapper(),
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(&url, wrapper, seed);
        let text = format!("Join here: {wrapped}\nThanks");
        prop_assert_eq!(find_links(&text), vec![wrapped]);
    }

    #[test]
    fn nothing_panics_on_arbitrary_strings(s in "\\PC*") {
        let _ = classify(&s, true);
        let _ = classify(&s, false);
        let _ = unwrap(&s);
        let _ = unwrap_all(&s);
        let _ = recognize(&s);
        let _ = detect_wrapper(&s);
        for link in find_links(&s) {
            let _ = classify(&link, true);
        }
    }

    #[test]
    fn nothing_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = classify(&s, true);
        let _ = unwrap_all(&s);
        let _ = recognize(&s);
        let _ = find_links(&s);
    }

    #[test]
    fn nothing_panics_on_hostile_wrapped_links(s in hostile_wrapped()) {
        let _ = classify(&s, true);
        let _ = classify(&s, false);
        let _ = unwrap(&s);
        let _ = unwrap_all(&s);
        let _ = recognize(&s);
        let _ = find_links(&s);
    }
}
