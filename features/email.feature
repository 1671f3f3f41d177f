Feature: Email import
  Email is imported read-only, only for members with email import on, only with a CRM
  connected, and only for messages with the CRM's prospects and customers.
  Source: "Troubleshooting email and calendar import errors" (seed 000) and
  "FAQs: Google Workspace and Office 365 integrations" (seed 001).

  Background:
    Given a Google Workspace tenant "acme.example"
    And the Google users:
      | email                   | name       | admin |
      | ada.admin@acme.example  | Ada Admin  | yes   |
      | nora.north@acme.example | Nora North |       |
      | sam.south@acme.example  | Sam South  |       |
    And the team members:
      | member                  | email |
      | nora.north@acme.example | yes   |
      | sam.south@acme.example  | no    |
    And the company connects Google Workspace company-wide as "ada.admin@acme.example"
    And the company turns email import on
    And "nora.north@acme.example" received an email from "buyer@globex.example" with subject "Pricing question" at "-2h"
    And "nora.north@acme.example" received an email from "newsletter@vendor.example" with subject "Weekly digest" at "-3h"
    And "nora.north@acme.example" sent an email to "cfo@hooli.example" with subject "Renewal terms" at "-1h"
    And "sam.south@acme.example" received an email from "buyer@globex.example" with subject "For Sam" at "-1h"

  @DC-15
  Scenario: Only emails with CRM contacts are imported
    Given the company's CRM has the contacts "buyer@globex.example, @hooli.example"
    When the engine syncs
    Then the email icon of "nora.north@acme.example" is green
    And the engine has imported 2 emails
    And the engine has imported the email "Pricing question"
    And the engine has imported the email "Renewal terms"

  @DC-15
  Scenario: Without a CRM connection email import stays off
    Given the company has no CRM connection
    When the engine syncs
    Then the email icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "crm_required"
    And the engine has imported 0 emails
    And the journal shows 0 × GET "/gmail/v1/" answered 200

  @DC-14
  Scenario: Mail is read read-only, and only for members with email import on
    Given the company's CRM has the contacts "@globex.example"
    When the engine syncs
    Then the engine has imported 1 email
    And the email icon of "sam.south@acme.example" is off
    And the journal shows GET "/gmail/v1/users/me/messages" answered 200 for "nora.north@acme.example"
    And the journal shows 0 × GET "/gmail/v1/" answered 200 for "sam.south@acme.example"

  @DC-02
  Scenario: Email access not authorized in the provider import settings
    Given the company's CRM has the contacts "@globex.example"
    And the company turns email authorization off
    When the engine syncs
    Then the email icon of "nora.north@acme.example" is yellow
    And "nora.north@acme.example" has the warning "email_not_authorized" saying "Google Workspace"
    And the calendar icon of "nora.north@acme.example" is green
    And the engine has imported 0 emails

  @DC-02
  Scenario: A member without a Gmail licence cannot have mail imported
    Given the company's CRM has the contacts "@globex.example"
    And "nora.north@acme.example" has no Gmail licence
    When the engine syncs
    Then the email icon of "nora.north@acme.example" is red
    And "nora.north@acme.example" has the warning "access_refused" saying "Mail service not enabled"
