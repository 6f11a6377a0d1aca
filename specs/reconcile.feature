Feature: Reconcile the code with its specs
  `specctl plan` shows what is left to do and the exact prompt an agent would get.
  `specctl reconcile` hands only the failing delta to an agent, turn by turn, and believes
  nothing but the evidence: protected files stay as they were, a turn that breaks a passing
  item is rolled back, and a tier that makes no progress hands over to the next.

  Background:
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./evidence/greet.sh
          report: exit-code
      agents:
        - name: fast
          run: ./agent noop
        - name: strong
          run: ./agent write src/greeting hello
      reconcile:
        stall_turns: 1
        max_turns: 2
      """
    And an executable file "evidence/greet.sh" with:
      """
      #!/bin/sh
      test "$(cat src/greeting)" = hello || { echo "expected hello, got $(cat src/greeting)"; exit 1; }
      """
    And a file "src/greeting" with:
      """
      hi
      """
    And a file "specs/greet.feature" with:
      """
      Feature: Greeting
        Scenario: Say hello
          Then the greeting is "hello"
      """
    And the scripted agent
    And the project is a git repository

  Scenario: Plan shows the delta and the first prompt, and starts no agent
    When I run "specctl plan"
    Then the exit code is 1
    And stdout contains "specs/greet.feature::Say hello  fail"
    And stdout contains "# specctl turn 1: GREEN phase"
    And stdout contains "  Then the greeting is "
    And the file "src/greeting" holds "hi"

  Scenario: A stalled agent escalates and the stronger one converges
    When I run "specctl reconcile"
    Then the exit code is 0
    And stdout contains "turn 1 [fast, green] 1 item: specs/greet.feature::Say hello"
    And stdout contains "escalate: no progress for 1 turn: escalating to agent `strong`"
    And stdout ends with the line "converged after 2 turns ($0.0000 reported)"
    And the file "src/greeting" holds "hello"

  Scenario: An agent that edits the evidence has the edit undone
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./evidence/greet.sh
          report: exit-code
      agents:
        - name: cheat
          run: ./agent write evidence/greet.sh true
      reconcile:
        stall_turns: 1
        max_turns: 1
      """
    When I run "specctl reconcile"
    Then the exit code is 1
    And stdout contains "gate: undid edits to protected files: evidence/greet.sh"
    And stdout contains "stopped after 1 turn ($0.0000 reported)"

  Scenario: Without an agent, reconcile refuses and shows how to configure one
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./evidence/greet.sh
      """
    When I run "specctl reconcile"
    Then the exit code is 2
    And stderr contains "no agent is configured"

  Scenario: A turn that breaks a passing item is rolled back, and its own version is kept
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./evidence/greet.sh
          report: exit-code
      agents:
        - name: breaker
          run: ./agent write src/farewell ciao
      reconcile:
        stall_turns: 1
        max_turns: 1
      """
    And a file "src/farewell" with:
      """
      bye
      """
    And a file "aspects/farewell.md" with:
      """
      ---
      name: the-farewell-stays
      evidence: test "$(cat src/farewell)" = bye
      ---
      The farewell says bye.
      """
    When I run "specctl reconcile"
    Then the exit code is 1
    And stdout contains "gate: turn 1 broke aspect:the-farewell-stays: rolled back src/farewell; its version is kept: `git checkout refs/specctl/session-1/turn-1/after -- PATH` brings one back"
    And the file "src/farewell" holds "bye"
