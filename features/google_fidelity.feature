Feature: Google Workspace answers like Google
  The simulator's failures, reached from scenarios and probed directly as the recorder's
  service account would call Google, each asserted as status and Google's own reason.

  Background:
    Given a Google Workspace tenant "acme.example"
    And the org units:
      | path        |
      | /IT         |
      | /Sales/NA   |
      | /Sales/EMEA |
    And the Google users:
      | email                   | admin | org unit    |
      | ada.admin@acme.example  | yes   | /IT         |
      | nora.north@acme.example |       | /Sales/NA   |
      | sam.south@acme.example  |       | /Sales/NA   |
      | eve.east@acme.example   |       | /Sales/EMEA |
    And the app is trusted only for org units "/IT, /Sales/NA"
    And "sam.south@acme.example" has no Gmail licence
    And "nora.north@acme.example" received an email from "buyer@globex.example" with subject "Pricing question" at "-2h"
    And "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h"

  Scenario Outline: Token endpoint refusals
    When the recorder asks Google for a token as "<user>" with scope "<scope>"
    Then Google answers <status> with reason "<reason>"

    Examples:
      | user                    | scope                    | status | reason              |
      | eve.east@acme.example   | calendar.readonly        | 401    | unauthorized_client |
      | nora.north@acme.example | calendar                 | 401    | unauthorized_client |
      | ghost@acme.example      | calendar.readonly        | 400    | invalid_grant       |

  Scenario Outline: API refusals
    When the recorder calls GET "<path>" as "<user>" with scope "<scope>"
    Then Google answers <status> with reason "<reason>"

    Examples:
      | path                                                                                      | user                    | scope                         | status | reason                  |
      | /admin/directory/v1/users?customer=my_customer                                            | nora.north@acme.example | admin.directory.user.readonly | 403    | forbidden               |
      | /admin/directory/v1/users?customer=my_customer                                            | ada.admin@acme.example  | calendar.readonly             | 403    | insufficientPermissions |
      | /admin/directory/v1/users?customer=my_customer&maxResults=501                             | ada.admin@acme.example  | admin.directory.user.readonly | 400    | invalid                 |
      | /admin/directory/v1/users                                                                 | ada.admin@acme.example  | admin.directory.user.readonly | 400    | badRequest              |
      | /admin/directory/v1/users/nobody@acme.example                                             | ada.admin@acme.example  | admin.directory.user.readonly | 404    | notFound                |
      | /calendar/v3/calendars/primary/events?timeMin=2025-03-11T00:00:00Z&timeMax=2025-03-10T00:00:00Z | nora.north@acme.example | calendar.readonly       | 400    | timeRangeEmpty          |
      | /calendar/v3/calendars/primary/events?syncToken=stale                                     | nora.north@acme.example | calendar.readonly             | 410    | fullSyncRequired        |
      | /calendar/v3/calendars/primary/events?syncToken=stale&timeMin=2025-03-10T00:00:00Z        | nora.north@acme.example | calendar.readonly             | 400    | invalid                 |
      | /calendar/v3/calendars/primary/events?orderBy=startTime                                   | nora.north@acme.example | calendar.readonly             | 400    | badRequest              |
      | /calendar/v3/calendars/someone-else@acme.example/events                                   | nora.north@acme.example | calendar.readonly             | 404    | notFound                |
      | /gmail/v1/users/me/history?startHistoryId=1                                               | nora.north@acme.example | gmail.readonly                | 404    | notFound                |
      | /gmail/v1/users/eve.east@acme.example/messages                                            | nora.north@acme.example | gmail.readonly                | 403    | forbidden               |
      | /gmail/v1/users/me/messages                                                               | sam.south@acme.example  | gmail.readonly                | 400    | failedPrecondition      |
      | /gmail/v1/users/me/messages?q=pricing                                                     | nora.north@acme.example | gmail.readonly                | 400    | invalid                 |

  Scenario Outline: Faults answer in Google's shape
    Given <fault>
    When the recorder calls GET "/calendar/v3/users/me/calendarList" as "nora.north@acme.example" with scope "calendar.readonly"
    Then Google answers <status> with reason "<reason>"

    Examples:
      | fault                                                  | status | reason                |
      | the Calendar API answers 429 for the next 1 call       | 429    | rateLimitExceeded     |
      | the Calendar API answers 403 for the next 1 call       | 403    | userRateLimitExceeded |
      | the Calendar API answers 500 for the next 1 call       | 500    | backendError          |
      | the Calendar API answers 503 for the next 1 call       | 503    | backendError          |
      | the Calendar API allows 0 calls, refilled at 0 a minute, per project | 429 | rateLimitExceeded |

  Scenario: Good calls answer 200
    When the recorder calls GET "/gmail/v1/users/me/messages?q=from:globex.example" as "nora.north@acme.example" with scope "gmail.readonly"
    Then Google answers 200
    When the recorder calls GET "/gmail/v1/users/me/profile" as "nora.north@acme.example" with scope "gmail.readonly"
    Then Google answers 200

  Scenario: A scope the app was not granted is refused at the token endpoint
    When the recorder calls GET "/admin/directory/v1/customer/my_customer/orgunits?type=all" as "ada.admin@acme.example" with scope "admin.directory.orgunit.readonly"
    Then Google answers 401 with reason "unauthorized_client"

  Scenario: Granting scopes to the service account opens their endpoints and closes the others
    Given the app is granted the scopes "admin.directory.user.readonly, admin.directory.orgunit.readonly"
    When the recorder calls GET "/admin/directory/v1/customer/my_customer/orgunits?type=all" as "ada.admin@acme.example" with scope "admin.directory.orgunit.readonly"
    Then Google answers 200
    When the recorder calls GET "/calendar/v3/users/me/calendarList" as "nora.north@acme.example" with scope "calendar.readonly"
    Then Google answers 401 with reason "unauthorized_client"

  Scenario: A fault can target one endpoint while the rest of the API works
    Given "/calendar/v3/users/me/calendarList" answers 503 for the next 1 call
    When the recorder calls GET "/calendar/v3/calendars/primary/events" as "nora.north@acme.example" with scope "calendar.readonly"
    Then Google answers 200
    When the recorder calls GET "/calendar/v3/users/me/calendarList" as "nora.north@acme.example" with scope "calendar.readonly"
    Then Google answers 503 with reason "backendError"
