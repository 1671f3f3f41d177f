Feature: Connecting Google Workspace company-wide or user-by-user
  A company connects one tenant per provider, company-wide (needs a Google admin; gives
  the directory) or user-by-user (each member consents; no directory).
  Source: "FAQs: Google Workspace and Office 365 integrations" (seed 001) and
  "Troubleshooting email and calendar import errors" (seed 000).

  Background:
    Given a Google Workspace tenant "acme.example"
    And the Google users:
      | email                   | name       | admin |
      | ada.admin@acme.example  | Ada Admin  | yes   |
      | nora.north@acme.example | Nora North |       |
      | pat.park@acme.example   | Pat Park   |       |
    And the team members:
      | member                  |
      | nora.north@acme.example |
      | pat.park@acme.example   |

  @DC-13
  Scenario: Only a Google admin can connect company-wide
    When "nora.north@acme.example" tries to connect Google Workspace company-wide
    Then the connection is refused with "not a Google Workspace admin"
    And the page shows the banner "not_connected"
    When "ada.admin@acme.example" tries to connect Google Workspace company-wide
    Then the connection succeeds
    And the company is connected company-wide through "ada.admin@acme.example"

  @DC-13
  Scenario: An admin connects the company company-wide and the engine reads the directory
    When the company connects Google Workspace company-wide as "ada.admin@acme.example"
    Then the company is connected company-wide through "ada.admin@acme.example"
    And the page does not show the banner "not_connected"
    When the engine syncs
    Then the journal shows GET "/admin/directory/" answered 200
    And the calendar icon of "nora.north@acme.example" is green

  @DC-13
  Scenario: A user-by-user connection does not read the directory
    Given "nora.north@acme.example" has a meeting "QBR with Globex" at "+2h"
      | email                | response |
      | buyer@globex.example | accepted |
    And the company switches Google Workspace to user-by-user
    When "nora.north@acme.example" connects their Google account
    Then the connection succeeds
    When the engine syncs
    Then the calendar icon of "nora.north@acme.example" is green
    And the engine has imported the meeting "QBR with Globex"
    And the journal shows 0 × GET "/admin/directory/" answered 200
    And the journal shows POST "/token" answered 200 for "nora.north@acme.example"

  @DC-12
  Scenario: A company connects at most one Google Workspace tenant
    Given the company connects Google Workspace company-wide as "ada.admin@acme.example"
    When "it@globex.example" tries to connect Google Workspace company-wide
    Then the connection is refused with "one tenant per provider"
    And the company is connected company-wide through "ada.admin@acme.example"

  @DC-10
  Scenario: A member who granted fewer scopes than needed is yellow
    Given the company switches Google Workspace to user-by-user
    And "pat.park@acme.example" only grants "gmail.readonly"
    When "pat.park@acme.example" connects their Google account
    And the engine syncs
    Then the calendar icon of "pat.park@acme.example" is yellow
    And "pat.park@acme.example" has the warning "user_scopes_missing"
    And the page does not show the banner "technical_problem"

  @DC-10
  Scenario: A member who denies consent stays unconnected
    Given the company switches Google Workspace to user-by-user
    And "pat.park@acme.example" denies consent
    When "pat.park@acme.example" connects their Google account
    Then the connection is refused with "access_denied"
    And the calendar icon of "pat.park@acme.example" is yellow
    # Nobody is connected yet: as good as no connection at all.
    And the page shows the banner "not_connected"

  @DC-10
  Scenario: A member who removes the recorder's access turns yellow on the next sync
    Given the scenario "scenarios/revoked-refresh-token.yaml"
    When the engine syncs
    Then the calendar icon of "nora.north@acme.example" is green
    When 45m pass
    And the engine syncs
    Then the calendar icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "user_connection_lost" saying "Token has been expired or revoked."
    And the journal shows POST "/token" answered 400 for "nora.north@acme.example"
    And the engine has imported the meeting "QBR with Globex"

  @DC-03
  Scenario: Half the team never connected: they are yellow and counted in the banner
    Given the scenario "scenarios/user-by-user-half-connected.yaml"
    When the engine syncs
    Then the Team members page shows:
      | member                   | calendar | web conference |
      | nora.north@acme.example  | green    | green          |
      | sam.south@acme.example   | green    | green          |
      | elena.east@acme.example  | yellow   | yellow         |
      | walter.west@acme.example | yellow   | yellow         |
    And the page shows the banner "members_not_connected" with count 2
    And "elena.east@acme.example" has the warning "not_connected" saying "a reminder email can be sent"
    And the engine has imported 1 meeting

  @DC-10
  Scenario Outline: Consent refused by the organization's policies leaves the member unconnected
    Given the org units:
      | path |
      | /IT  |
    And the app is trusted only for org units "/IT"
    And the company switches Google Workspace to user-by-user
    When "<who>" connects their Google account
    Then the connection is refused with "<error>"

    Examples:
      | who                   | error                 |
      | pat.park@acme.example | admin_policy_enforced |
      | guest@globex.example  | org_internal          |
