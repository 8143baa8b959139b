package io.nais.pg.access.provisioning.model;

/**
 * The result of reconciling one role.
 *
 * @param detail why a drop fell back to deactivation (the server's 2BP01 detail), else {@code null}
 */
public record RoleOutcome(String roleName, ReconcileResult result, String detail) {

    public static RoleOutcome of(String roleName, ReconcileResult result) {
        return new RoleOutcome(roleName, result, null);
    }
}
