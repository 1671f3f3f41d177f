Feature: Customer cases for recording
  Reproductions of real support cases, each driven by a scenario file in scenarios/.

  @REC-08
  Scenario: Proofpoint-wrapped invitations are not recorded until link unwrapping is on
    Given the scenario "scenarios/proofpoint-wrapped-links.yaml"
    When the engine syncs
    Then the meeting "QBR with Globex" is not recorded because "link_wrapped" (Proofpoint URL Defense v2)
    And the meeting "Security review with Initech" is not recorded because "link_wrapped" (Proofpoint URL Defense v3)
    And the meeting "Vendor call with Hooli" is not recorded because "link_wrapped" (Mimecast)
    And the meeting "Demo for Globex" is recorded by the bot
    When the company turns link unwrapping on
    And the engine syncs
    Then the meeting "QBR with Globex" is recorded by the bot
    And the meeting "QBR with Globex" has the finding "link_unwrapped" mentioning "Proofpoint URL Defense v2"
    And the meeting "Security review with Initech" is recorded by the bot
    And the meeting "Vendor call with Hooli" is not recorded because "link_wrapped" (Mimecast)

  @REC-17
  Scenario: The anonymous bot is stopped by Contoso's CAPTCHA and lobby; the authenticated bot gets in
    Given the scenario "scenarios/captcha-lobby.yaml"
    When the engine syncs
    Then the meeting "Contoso onboarding" is recorded by the bot
    When the meeting "Contoso onboarding" starts
    Then the meeting "Contoso onboarding" is not recorded because "bot_blocked_captcha"
    And the bot state trail of "Contoso onboarding" is "joining, fatal(blocked_by_captcha)"
    When the company turns the authenticated bot on
    And the meeting "Contoso steering committee" starts
    Then the bot joins "Contoso steering committee" authenticated
    And the meeting "Contoso steering committee" is recorded by the bot
    And the bot state trail of "Contoso steering committee" is "joining, in_call_not_recording, in_call_recording"
