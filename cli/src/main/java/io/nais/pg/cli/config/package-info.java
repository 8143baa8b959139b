/**
 * Configuration: defaults, then {@code <config dir>/config.properties}, then {@code NAIS_*}
 * variables, then flags. {@link io.nais.pg.cli.config.ConfigKey} is the single list of keys;
 * the README's table is generated from it. The file is read only when a command needs it,
 * so {@code --help} never touches the disk.
 */
package io.nais.pg.cli.config;
