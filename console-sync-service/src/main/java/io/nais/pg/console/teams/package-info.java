/**
 * Teams API bridge: polls a Zalando-compatible Teams API for the configured
 * teams and emits TeamMemberAdded/Removed through the outbox.
 *
 * <p>Key decisions: the last emitted members are kept in
 * {@code teams_api_member} (V4) and diffed in the same transaction as the
 * outbox write (advisory lock per team, so replicas emit once and restarts
 * emit nothing). A failed request, non-200 or malformed answer skips the team
 * for the round. The guard ({@link io.nais.pg.console.teams.MembershipDiff}):
 * an empty answer for a team with members, or one removing more than
 * {@code max-removed-fraction} (0.5) of them, is refused and logged; an
 * operator removes such members by hand. Consequence: the last member of a
 * team is never removed by the bridge.
 */
package io.nais.pg.console.teams;
