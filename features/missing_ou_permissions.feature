Feature: Customer case — some reps are red because app access is restricted to an org unit
  The admin granted the recorder domain-wide delegation but trusted only /IT and
  /Sales/NA. Reps in /Sales/EMEA are refused at the token endpoint while everyone else
  imports. Scenario file: scenarios/missing-ou-permissions.yaml.

  @DC-05
  Scenario: EMEA reps are red until the admin moves Elena into the trusted org unit
    Given the scenario "scenarios/missing-ou-permissions.yaml"
    When the engine syncs
    Then the Team members page shows:
      | member                   | calendar | web conference |
      | nora.north@acme.example  | green    | green          |
      | sam.south@acme.example   | green    | green          |
      | elena.east@acme.example  | red      | red            |
      | walter.west@acme.example | red      | red            |
    And the page shows the banner "technical_problem" with count 2
    And the banner "technical_problem" says "2 team members' email or calendar data is not being imported due to a technical problem."
    And the journal shows POST "/token" answered 401 for "walter.west@acme.example"
    And the engine has imported 2 meetings
    When 15m pass
    And the engine syncs
    Then the calendar icon of "elena.east@acme.example" is green
    And the calendar icon of "walter.west@acme.example" is red
    And the page shows the banner "technical_problem" with count 1
    And the engine has imported the meeting "Discovery call with Initech"
