Feature: Will this meeting be recorded?
  Every imported meeting gets a decision: recorded natively by Zoom, recorded by the bot,
  or not recorded with exactly one primary reason (the first failed check, in the order
  of the help article) and secondary findings.
  Source: "Requirements for automatically recording web conferences" (seed 004).

  Background:
    Given a Google Workspace tenant "acme.example"
    And the org units:
      | path        |
      | /IT         |
      | /Sales/NA   |
      | /Sales/EMEA |
    And the Google users:
      | email                   | name        | org unit    | admin |
      | ada.admin@acme.example  | Ada Admin   | /IT         | yes   |
      | nora.north@acme.example | Nora North  | /Sales/NA   |       |
      | sam.south@acme.example  | Sam South   | /Sales/NA   |       |
      | walter.west@acme.example| Walter West | /Sales/EMEA |       |
    And the app is trusted only for org units "/IT, /Sales/NA"
    And the team members:
      | member                  |
      | nora.north@acme.example |
      | sam.south@acme.example  |
    And the company is named "Acme"
    And the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company's internal domains are "acme.example"
    And "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h" on "https://zoom.us/j/81234567890?pwd=QWErty123"
      | email                | response |
      | buyer@globex.example | accepted |

  @REC-14 @REC-18
  Scenario: A plain external Zoom meeting is recorded by the bot when Zoom is not connected
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    And the meeting "QBR with Globex" has the finding "zoom_native_unavailable" mentioning "Zoom is not connected"
    And the bot joins "QBR with Globex" as "Recorder"

  @REC-01
  Scenario: A meeting whose calendar can no longer be read is not recorded
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    When the Google admin moves "nora.north@acme.example" to org unit "/Sales/EMEA"
    And the engine syncs
    Then the calendar icon of "nora.north@acme.example" is green
    # The access token issued before the move stays valid until it expires (an hour).
    When 1h pass
    And the engine syncs
    Then the calendar icon of "nora.north@acme.example" is red
    And the meeting "QBR with Globex" is not recorded because "no_calendar_access"

  @REC-02
  Scenario: Turning company calendar import off stops scheduling
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    When the company turns calendar import off
    And the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "calendar_import_off"

  @REC-03
  Scenario: Meetings on a secondary calendar are skipped while only the primary calendar is read
    Given "sam.south@acme.example" has a meeting "Partner sync" at "+3h" on "https://zoom.us/j/81234567891" in the secondary calendar "Partners"
      | email                 |
      | partner@initech.example |
    When the engine syncs
    Then the meeting "Partner sync" is not recorded because "secondary_calendar"
    When the company turns primary calendar only off
    And the engine syncs
    Then the meeting "Partner sync" is recorded by the bot

  @REC-04
  Scenario: With the Outlook Coordinator invited, a meeting is scheduled without calendar access
    Given the Outlook Coordinator is "coordinator@recorder.example"
    And "nora.north@acme.example" has a meeting "Renewal with Hooli" at "+4h" on "https://zoom.us/j/81234567892"
      | email                        |
      | cfo@hooli.example            |
      | coordinator@recorder.example |
    When the engine syncs
    And the Google admin moves "nora.north@acme.example" to org unit "/Sales/EMEA"
    And 1h pass
    And the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "no_calendar_access"
    And the meeting "Renewal with Hooli" is recorded by the bot
    And the meeting "Renewal with Hooli" has the finding "outlook_coordinator"

  @REC-05
  Scenario: An invite that reaches the engine less than 30 minutes before the start is too late
    Given "nora.north@acme.example" has a meeting "Quick call with Globex" at "+20m" on "https://zoom.us/j/81234567893"
      | email                |
      | buyer@globex.example |
    When the engine syncs
    Then the meeting "Quick call with Globex" is not recorded because "too_late_to_schedule"
    And the meeting "QBR with Globex" is recorded by the bot

  @REC-05
  Scenario: Changing the link inside the 30-minute window also loses scheduling
    Given at "+1h40m" "nora.north@acme.example" replaces the link of the meeting "QBR with Globex" with "https://zoom.us/j/89999999999"
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    When 1h45m pass
    And the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "too_late_to_schedule" (last updated 15 minutes)

  @REC-06 @DC-07
  Scenario: A meeting without any recordable participant is not recorded
    Given "nora.north@acme.example" has a viewer seat
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "no_recordable_participant"
    And the web conference icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "no_seat"

  @REC-06
  Scenario: A participant with web conferences turned off is not recordable
    Given "nora.north@acme.example" turns web conference recording off
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "no_recordable_participant"

  @REC-07
  Scenario Outline: Exclusion rules stop recording
    Given <exclusion>
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "<reason>"

    Examples:
      | exclusion                                                      | reason               |
      | the company excludes the domain "globex.example"               | excluded_domain      |
      | the company excludes the participant "buyer@globex.example"    | excluded_participant |
      | the company excludes meetings titled with "qbr"                | excluded_keyword     |
      | the meeting "QBR with Globex" is marked private                | private_meeting      |

  @REC-07
  Scenario: Private meetings are recorded when the company does not exclude them
    Given the meeting "QBR with Globex" is marked private
    And the company turns excluding private meetings off
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot

  @REC-08
  Scenario: A meeting without a conference link is not recorded
    Given "nora.north@acme.example" has a meeting "Lunch with Globex" at "+5h" on ""
      | email                |
      | buyer@globex.example |
    When the engine syncs
    Then the meeting "Lunch with Globex" is not recorded because "no_conference_link"

  @REC-09
  Scenario: The conferencing provider must be enabled and set up
    Given the Zoom conferencing provider is disabled
    And "nora.north@acme.example" has a meeting "Teams review" at "+3h" on "https://teams.microsoft.com/meet/2345678901234?p=AbCdEf"
      | email               |
      | buyer@globex.example |
    And the Teams conferencing provider is misconfigured
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "provider_disabled"
    And the meeting "Teams review" is not recorded because "provider_misconfigured"

  @REC-10
  Scenario: Internal meetings are recorded only when the company records internal calls
    Given "nora.north@acme.example" has a meeting "Pipeline review" at "+3h" on "https://meet.google.com/abc-defg-hij"
      | email                  |
      | sam.south@acme.example |
    When the engine syncs
    Then the meeting "Pipeline review" is not recorded because "internal_meeting"
    When the company turns recording of internal calls on
    And the engine syncs
    Then the meeting "Pipeline review" is recorded by the bot

  @REC-11
  Scenario: Any participant with "never record" blocks the recording
    Given "nora.north@acme.example" has a meeting "Deal desk with Globex" at "+3h" on "https://zoom.us/j/81234567894"
      | email                  |
      | sam.south@acme.example |
      | buyer@globex.example   |
    And "sam.south@acme.example" never wants to be recorded
    When the engine syncs
    Then the meeting "Deal desk with Globex" is not recorded because "never_record_participant" (sam.south@acme.example)
    And the meeting "QBR with Globex" is recorded by the bot

  @REC-12
  Scenario: A meeting hosted by someone who is not recordable needs option 2
    Given "walter.west@acme.example" has a meeting "Walter's demo" at "+3h" on "https://zoom.us/j/81234567895"
      | email                   |
      | nora.north@acme.example |
      | buyer@globex.example    |
    When the engine syncs
    Then the meeting "Walter's demo" is not recorded because "host_not_recordable"
    Given the company records meetings organized by anyone with a recordable member invited
    When the engine syncs
    Then the meeting "Walter's demo" is recorded by the bot
    And the meeting "Walter's demo" has the finding "host_not_recordable" mentioning "nora.north@acme.example"

  @REC-13
  Scenario: Enforced consent needs the company's consent-enabled link
    Given "nora.north@acme.example" enforces recording consent with static links
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "consent_link_missing"

  @REC-13
  Scenario Outline: Consent links of the wrong kind or company, or a bypass link, stop recording
    Given "nora.north@acme.example" enforces recording consent with static links
    And "nora.north@acme.example" has a meeting "Consent call" at "+3h" on "https://zoom.us/j/81234567896"
      | email                |
      | buyer@globex.example |
    And the meeting "Consent call" uses a <type> consent link of "<company>"
    And the description of the meeting "Consent call" is "<description>"
    When the engine syncs
    Then the meeting "Consent call" <result>

    Examples:
      | type    | company | description                              | result                                             |
      | static  | Acme    | Agenda attached.                         | is recorded by the bot                             |
      | static  | Globex  | Agenda attached.                         | is not recorded because "external_consent_link"    |
      | dynamic | Acme    | Agenda attached.                         | is not recorded because "consent_link_type_mismatch" |
      | static  | Acme    | Or join directly: https://zoom.us/j/81234567897 | is not recorded because "consent_bypass_link" |

  @REC-13
  Scenario: A participant choosing "join but don't record" stops the recording
    Given "nora.north@acme.example" enforces recording consent with static links
    And the meeting "QBR with Globex" uses a static consent link of "Acme"
    And "buyer@globex.example" declines recording for the call of "https://zoom.us/j/81234567890?pwd=QWErty123"
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    When the meeting "QBR with Globex" starts
    Then the meeting "QBR with Globex" is not recorded because "consent_declined" (buyer@globex.example)

  @REC-14
  Scenario: Zoom records natively for a licensed host who owns the Zoom meeting
    Given the Zoom users:
      | email                   | license  | cloud recording |
      | nora.north@acme.example | licensed | yes             |
      | sam.south@acme.example  | licensed | yes             |
    And the Zoom meeting "81234567890" belongs to "nora.north@acme.example"
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded natively
    When the meeting "QBR with Globex" starts
    Then the bot state trail of "QBR with Globex" is "native_recording_started"

  @REC-14
  Scenario: Scheduling with someone else's Zoom login falls back to the bot
    Given the Zoom users:
      | email                   | license  |
      | nora.north@acme.example | licensed |
      | sam.south@acme.example  | licensed |
    And the Zoom meeting "81234567890" belongs to "sam.south@acme.example"
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    And the meeting "QBR with Globex" has the finding "zoom_native_unavailable" mentioning "belongs to sam.south@acme.example"

  @REC-14
  Scenario: A host without a Zoom licence falls back to the bot
    Given the Zoom users:
      | email                   | license |
      | nora.north@acme.example | basic   |
    And the Zoom meeting "81234567890" belongs to "nora.north@acme.example"
    When the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    And the meeting "QBR with Globex" has the finding "zoom_native_unavailable" mentioning "not licensed"

  @REC-15
  Scenario: The local-recording bot needs "record to computer files"
    Given the Zoom users:
      | email                   | license | local recording |
      | nora.north@acme.example | basic   | no              |
    And the Zoom meeting "81234567890" belongs to "nora.north@acme.example"
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "local_recording_disabled"

  @REC-15
  Scenario: The host denies the bot's request to record
    Given the meeting room of "https://zoom.us/j/81234567890?pwd=QWErty123" has:
      | setting              | value |
      | recording permission | deny  |
    When the engine syncs
    And the meeting "QBR with Globex" starts
    Then the meeting "QBR with Globex" is not recorded because "recording_permission_denied"
    And the bot state trail of "QBR with Globex" is "joining, in_call_not_recording, recording_permission_denied, fatal(host_denied_permission)"

  @REC-15
  Scenario: The recorder's Zoom app grants the permission without asking the host
    Given the Zoom users:
      | email                   | license |
      | nora.north@acme.example | basic   |
    And the recorder's Zoom app is installed
    And the meeting room of "https://zoom.us/j/81234567890?pwd=QWErty123" has:
      | setting              | value |
      | recording permission | deny  |
    When the engine syncs
    And the meeting "QBR with Globex" starts
    Then the meeting "QBR with Globex" is recorded by the bot
    And the bot state trail of "QBR with Globex" is "joining, in_call_not_recording, recording_permission_allowed, in_call_recording"

  @REC-16
  Scenario: A display name that matches no team member leaves the participant unmatched
    Given "Nora N. (iPhone)" is in the call of "https://zoom.us/j/81234567890?pwd=QWErty123"
    And "Nora North" is in the call of "https://zoom.us/j/81234567890?pwd=QWErty123"
    When the engine syncs
    And the meeting "QBR with Globex" starts
    Then the meeting "QBR with Globex" is recorded by the bot
    And the meeting "QBR with Globex" has the finding "participant_unmatched" mentioning "Nora N. (iPhone)"

  @REC-17
  Scenario: A CAPTCHA keeps the anonymous bot out of a Teams meeting; the authenticated bot gets in
    Given "nora.north@acme.example" has a meeting "Teams sync with Contoso" at "+3h" on "https://teams.microsoft.com/meet/2345678901234?p=AbCdEf"
      | email                 |
      | buyer@contoso.example |
    And the meeting room of "https://teams.microsoft.com/meet/2345678901234?p=AbCdEf" has:
      | setting | value |
      | captcha | yes   |
    And "nora.north@acme.example" has a meeting "Teams follow-up with Contoso" at "+4h" on "https://teams.microsoft.com/meet/3456789012345?p=GhIjKl"
      | email                 |
      | buyer@contoso.example |
    And the meeting room of "https://teams.microsoft.com/meet/3456789012345?p=GhIjKl" has:
      | setting | value |
      | captcha | yes   |
    When the engine syncs
    And the meeting "Teams sync with Contoso" starts
    Then the meeting "Teams sync with Contoso" is not recorded because "bot_blocked_captcha"
    And the bot state trail of "Teams sync with Contoso" is "joining, fatal(blocked_by_captcha)"
    When the company turns the authenticated bot on
    And the meeting "Teams follow-up with Contoso" starts
    Then the meeting "Teams follow-up with Contoso" is recorded by the bot
    And the bot joins "Teams follow-up with Contoso" authenticated

  @REC-17
  Scenario: A Teams lobby that only admits the organization keeps the anonymous bot waiting
    Given "nora.north@acme.example" has a meeting "Teams lobby call" at "+3h" on "https://teams.microsoft.com/meet/4567890123456?p=MnOpQr"
      | email                 |
      | buyer@contoso.example |
    And the meeting room of "https://teams.microsoft.com/meet/4567890123456?p=MnOpQr" has:
      | setting      | value        |
      | lobby bypass | organization |
      | admit        | no           |
    When the engine syncs
    And the meeting "Teams lobby call" starts
    Then the meeting "Teams lobby call" is not recorded because "bot_blocked_lobby"
    And the bot state trail of "Teams lobby call" is "joining, waiting_room, fatal(request_to_join_denied)"

  @REC-18
  Scenario: The recorder joins visibly under the company's name and can warn external participants
    Given the recorder joins calls as "Acme Notetaker"
    And the company emails external participants before calls
    And the company requires a consent page
    When the engine syncs
    Then the bot joins "QBR with Globex" as "Acme Notetaker"
    And the meeting "QBR with Globex" has the finding "external_participants_emailed" mentioning "buyer@globex.example"
    And the meeting "QBR with Globex" has the finding "consent_page_required"

  @DC-17
  Scenario: Turning import off stops new recordings but keeps what was captured
    Given "nora.north@acme.example" has a meeting "Kickoff with Globex" at "+1d" on "https://zoom.us/j/81234567898"
      | email                |
      | buyer@globex.example |
    When the engine syncs
    And the meeting "QBR with Globex" starts
    Then the meeting "QBR with Globex" is recorded by the bot
    When the company turns calendar import off
    And the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    And the bot state trail of "QBR with Globex" is "joining, in_call_not_recording, recording_permission_allowed, in_call_recording"
    And the meeting "Kickoff with Globex" is not recorded because "calendar_import_off"

  @REC-08
  Scenario Outline: A link rewritten by a security gateway is not recognized
    Given the link of the meeting "QBR with Globex" is wrapped by "<gateway>"
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "link_wrapped" (<gateway>)

    Examples:
      | gateway                         |
      | Proofpoint URL Defense v1       |
      | Proofpoint URL Defense v2       |
      | Proofpoint URL Defense v3       |
      | Microsoft Safe Links            |
      | Mimecast                        |
      | Barracuda                       |

  @REC-08
  Scenario Outline: With link unwrapping on, reversible wrappers are decoded and recorded
    Given the link of the meeting "QBR with Globex" is wrapped by "<gateway>"
    And the company turns link unwrapping on
    When the engine syncs
    Then the meeting "QBR with Globex" <result>

    Examples:
      | gateway                   | result                                                  |
      | Proofpoint URL Defense v1 | is recorded by the bot                                  |
      | Proofpoint URL Defense v2 | is recorded by the bot                                  |
      | Proofpoint URL Defense v3 | is recorded by the bot                                  |
      | Microsoft Safe Links      | is recorded by the bot                                  |
      | Barracuda                 | is recorded by the bot                                  |
      | Mimecast                  | is not recorded because "link_wrapped" (Mimecast)       |

  @REC-08
  Scenario Outline: Every supported conferencing provider's link forms are recognized
    Given "nora.north@acme.example" has a meeting "Provider check" at "+3h" on "<link>"
      | email                |
      | buyer@globex.example |
    When the engine syncs
    Then the meeting "Provider check" is recorded by the bot

    Examples:
      | link                                                                                                                                                   |
      | https://us02web.zoom.us/j/83456789012?pwd=Zx1                                                                                                          |
      | https://zoom.us/my/nora.north                                                                                                                          |
      | https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ1ZGI2YjktZjg0Zi00MjRlLWIxNzYtODIyNzM0ZWEyMmMy%40thread.v2/0?context=%7b%22Tid%22%3a%22a1%22%7d |
      | https://teams.microsoft.com/meet/2345678901234?p=AbCdEf                                                                                                |
      | https://meet.google.com/abc-defg-hij                                                                                                                   |
      | https://acme.webex.com/meet/nora.north                                                                                                                 |
      | https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef                                                                               |

  @REC-05
  Scenario: An invitation arriving twenty minutes before its start is picked up but too late
    Given at "+1h" "nora.north@acme.example" receives an invitation "Urgent call with Globex" at "+1h20m" on "https://zoom.us/j/81234567899"
    When the engine syncs
    And 1h pass
    And the engine syncs
    Then the meeting "Urgent call with Globex" is not recorded because "too_late_to_schedule" (received 20 minutes)
    And the meeting "QBR with Globex" is recorded by the bot

  @REC-06
  Scenario: Each occurrence of a recurring meeting inside the sync window gets its own decision
    Given "nora.north@acme.example" has a meeting "Weekly pipeline with Globex" at "+3h" on "https://zoom.us/j/81234567800"
      | email                |
      | buyer@globex.example |
    And the meeting "Weekly pipeline with Globex" repeats "RRULE:FREQ=WEEKLY;COUNT=4"
    When the engine syncs
    Then the engine has imported 3 meetings
    And the meeting "Weekly pipeline with Globex" is recorded by the bot
    Given "nora.north@acme.example" has a viewer seat
    When the engine syncs
    Then the meeting "Weekly pipeline with Globex" is not recorded because "no_recordable_participant"
