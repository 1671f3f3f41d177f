Feature: Data capture icons on the Team members page
  Each team member row shows an email, a calendar and a web-conference icon: green when
  data is captured, yellow when something is not configured, red when the provider
  refuses or cannot be reached, off when capture is not enabled for the member.
  Source: "Troubleshooting email and calendar import errors" (seed 000).

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
      | elena.east@acme.example | Elena East  | /Sales/EMEA |       |
    And the team members:
      | member                  | calendar | web conferences | email |
      | nora.north@acme.example | yes      | yes             | no    |
      | elena.east@acme.example | yes      | yes             | no    |

  @DC-01
  Scenario: Nothing is imported while no provider is connected
    Given the company has no provider connection
    When the engine syncs
    Then the Team members page shows:
      | member                  | email | calendar | web conference |
      | nora.north@acme.example | off   | yellow   | yellow         |
      | elena.east@acme.example | off   | yellow   | yellow         |
    And the page shows the banner "not_connected"
    And the banner "not_connected" says "you have not connected to your email & calendar provider"
    And the journal shows 0 × POST "/token" answered 200

  @DC-01
  Scenario: Connecting company-wide clears the not-connected banner
    Given the company has no provider connection
    When the engine syncs
    Then the page shows the banner "not_connected"
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    When the engine syncs
    Then the page does not show the banner "not_connected"
    And every team member's calendar icon is green

  @DC-04
  Scenario: Import permission not given on the provider page
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company has not given import permission for Google Workspace
    When the engine syncs
    Then every team member's calendar icon is yellow
    And every team member's web conference icon is yellow
    And the page shows the banner "permission_not_given"
    And the banner "permission_not_given" says "have not given permission on the Google Workspace page"
    And the journal shows 0 × GET "/calendar/v3" answered 200

  @DC-04
  Scenario: Giving the import permission turns members green on the next sync
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company has not given import permission for Google Workspace
    When the engine syncs
    And the company turns the Google Workspace import permission on
    And the engine syncs
    Then the page does not show the banner "permission_not_given"
    And every team member's calendar icon is green

  @DC-05
  Scenario: App access restricted to one org unit: members outside it are red, the rest green
    Given the app is trusted only for org units "/IT, /Sales/NA"
    And the company connects Google Workspace company-wide as "ada.admin@acme.example"
    When the engine syncs
    Then the Team members page shows:
      | member                  | calendar | web conference |
      | nora.north@acme.example | green    | green          |
      | elena.east@acme.example | red      | red            |
    And "elena.east@acme.example" has the warning "access_refused" saying "unauthorized_client"
    And "nora.north@acme.example" has no warnings
    And the page shows the banner "technical_problem" with count 1
    And the journal shows POST "/token" answered 401 for "elena.east@acme.example"

  @DC-05
  Scenario: Moving the member into the trusted org unit turns them green on the next sync
    Given the app is trusted only for org units "/IT, /Sales/NA"
    And the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And at "+10m" the Google admin moves "elena.east@acme.example" to org unit "/Sales/NA"
    When the engine syncs
    Then the calendar icon of "elena.east@acme.example" is red
    When 15m pass
    Then the calendar icon of "elena.east@acme.example" is red
    When the engine syncs
    Then the calendar icon of "elena.east@acme.example" is green
    And the page does not show the banner "technical_problem"

  @DC-05
  Scenario: An admin widening the grant right now fixes the member on the next sync
    Given the app is trusted only for org units "/IT, /Sales/NA"
    And the company connects Google Workspace company-wide as "ada.admin@acme.example"
    When the engine syncs
    And the Google admin moves "elena.east@acme.example" to org unit "/Sales/NA"
    And the engine syncs
    Then every team member's calendar icon is green

  @DC-09
  Scenario: A member imports calendars but the company does not
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company turns calendar import off
    When the engine syncs
    Then the calendar icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "company_calendar_import_off"
    And the engine has imported 0 meetings

  @DC-09
  Scenario: A member who does not import calendars is off, not yellow, when the company does not either
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company turns calendar import off
    And "elena.east@acme.example" turns calendar import off
    When the engine syncs
    Then the calendar icon of "elena.east@acme.example" is off

  @DC-11
  Scenario: Everything configured and the provider answers: green, and capture not enabled is off
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And "nora.north@acme.example" turns web conference recording off
    And "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h"
      | email                   | response |
      | buyer@globex.example    | accepted |
      | elena.east@acme.example | accepted |
    When the engine syncs
    Then the Team members page shows:
      | member                  | email | calendar | web conference |
      | nora.north@acme.example | off   | green    | off            |
      | elena.east@acme.example | off   | green    | green          |
    And "nora.north@acme.example" has no warnings
    And the page does not show the banner "technical_problem"
    And the engine has imported 1 meeting
    And the engine has imported the meeting "QBR with Globex"

  @DC-11
  Scenario: Transient provider errors are retried on virtual time and end green
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the Calendar API answers 503 with Retry-After 30 for the next 2 calls
    When the engine syncs
    Then every team member's calendar icon is green
    And the journal shows 2 × GET "/calendar/v3" answered 503
    And the virtual clock reads "+1m"

  @DC-06
  Scenario: A provider failing beyond the retry budget is a connectivity problem and loses nothing
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h"
      | email                | response |
      | buyer@globex.example | accepted |
    When the engine syncs
    Then the engine has imported 1 meeting
    Given the Calendar API answers 500 until further notice
    When the engine syncs
    Then the calendar icon of "nora.north@acme.example" is red
    And "nora.north@acme.example" has the warning "connectivity"
    And the page shows the banner "technical_problem" with count 2
    And the engine has imported 1 meeting
    And the engine has imported the meeting "QBR with Globex"

  @DC-06
  Scenario: Sync tokens expire during a 429 storm: nothing lost, nothing twice
    Given the scenario "scenarios/sync-token-expiry-429-storm.yaml"
    When the engine syncs
    Then the engine has imported 3 meetings
    When 15m pass
    And the engine syncs
    Then every team member's calendar icon is green
    And the journal shows 3 × GET "/calendar/v3/" answered 429
    And the journal shows 2 × GET "/calendar/v3/calendars/" answered 410
    And the engine has imported 3 meetings
    When 10m pass
    And the engine syncs
    Then the engine has imported 3 meetings
    And the meeting "Discovery with Initech" is not recorded because "meeting_cancelled"

  @DC-08
  Scenario: A member imports non-recorded meetings but the company does not
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And "nora.north@acme.example" turns non-recorded meetings import on
    When the engine syncs
    Then the calendar icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "company_non_recorded_import_off"
    When the company turns non-recorded meetings import on
    Then the calendar icon of "nora.north@acme.example" is green

  @DC-18 @DC-03
  Scenario: Switching to user-by-user keeps imported meetings and shows who has not connected
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h"
      | email                | response |
      | buyer@globex.example | accepted |
    When the engine syncs
    Then every team member's calendar icon is green
    And the engine has imported 1 meeting
    Given "elena.east@acme.example" has connected their mailbox
    When the company switches Google Workspace to user-by-user
    And the engine syncs
    Then the engine has imported 1 meeting
    And the calendar icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "not_connected" saying "a reminder email can be sent"
    And the page shows the banner "members_not_connected" with count 1
    And the page does not show the banner "not_connected"

  @DC-06
  Scenario: Per-user rate limits are waited out on virtual time
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the Calendar API allows 1 calls, refilled at 2 a minute, per user
    When the engine syncs
    Then every team member's calendar icon is green
    And the journal shows GET "/calendar/v3/" answered 403 for "nora.north@acme.example"

  @DC-06
  Scenario: The third Calendar call fails once and is retried
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And call number 3 to the Calendar API answers 500
    And the Calendar API is slow by 20 ms
    When the engine syncs
    Then every team member's calendar icon is green
    And the journal shows 1 × GET "/calendar/v3/" answered 500

  @DC-11
  Scenario: An access token that dies early is renewed without the member noticing
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    When the engine syncs
    And the access tokens of "nora.north@acme.example" expire
    And the engine syncs
    Then every team member's calendar icon is green
    And the journal shows GET "/calendar/v3/" answered 401
