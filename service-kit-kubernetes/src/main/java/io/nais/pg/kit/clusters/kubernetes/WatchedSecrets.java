package io.nais.pg.kit.clusters.kubernetes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Secrets read by name, cached, and kept current by a watch on that one name.
 *
 * <p>The first read of a secret is a {@code get} by name; from then on a watch
 * ({@code fieldSelector=metadata.name=<secret>}, from the read's
 * resourceVersion) replaces the cached copy when the operator rotates it. So a
 * resolve costs no API call, and the first resolve after a rotation has the
 * new password. When the watch ends (the secret is deleted, the API server
 * closes it, the watch falls too far behind) the entry is dropped, and the
 * next resolve reads the secret afresh. Only {@code get} and {@code watch} on
 * named secrets are ever sent: never a {@code list}, so RBAC can grant exactly
 * the secrets the platform reads.
 */
final class WatchedSecrets implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WatchedSecrets.class);

    /** A namespaced secret name. */
    record Name(String namespace, String secret) {
        @Override
        public String toString() {
            return namespace + "/" + secret;
        }
    }

    private final Supplier<KubernetesClient> client;
    private final Map<Name, Entry> entries = new ConcurrentHashMap<>();

    WatchedSecrets(Supplier<KubernetesClient> client) {
        this.client = client;
    }

    /** The secret's current content, or {@code null} when it does not exist. */
    Secret get(Name name) {
        Entry cached = entries.get(name);
        if (cached != null) {
            return cached.secret;
        }
        Secret secret = read(name);
        if (secret == null) {
            return null;
        }
        return cache(name, secret);
    }

    @Override
    public void close() {
        entries.values().forEach(Entry::close);
        entries.clear();
    }

    private Secret read(Name name) {
        return client.get().secrets().inNamespace(name.namespace()).withName(name.secret()).get();
    }

    /** Starts the watch before the entry is visible, so no rotation between the read and the watch is lost. */
    private Secret cache(Name name, Secret secret) {
        Entry entry = new Entry(name, secret);
        entry.watch = client.get().secrets().inNamespace(name.namespace()).withName(name.secret())
                .watch(new ListOptionsBuilder().withResourceVersion(secret.getMetadata().getResourceVersion()).build(),
                        entry);
        Entry existing = entries.putIfAbsent(name, entry);
        if (existing != null) {
            entry.close(); // another caller cached it first: keep one watch per secret
            return existing.secret;
        }
        if (entry.closed) {
            entries.remove(name, entry); // the watch ended before the entry was visible
        }
        LOG.debugf("caching secret %s, watching it for rotation", name);
        return entry.secret;
    }

    private final class Entry implements Watcher<Secret> {
        private final Name name;
        private volatile Secret secret;
        private volatile Watch watch;
        private volatile boolean closed;

        Entry(Name name, Secret secret) {
            this.name = name;
            this.secret = secret;
        }

        @Override
        public void eventReceived(Action action, Secret changed) {
            switch (action) {
                case ADDED, MODIFIED -> {
                    secret = changed;
                    LOG.infof("secret %s changed (resourceVersion %s)", name,
                            changed.getMetadata().getResourceVersion());
                }
                default -> forget(action.name());
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            forget(cause.getClass().getSimpleName());
        }

        @Override
        public void onClose() {
            closed = true;
        }

        private void forget(String why) {
            LOG.infof("dropping cached secret %s (%s): the next use reads it again", name, why);
            entries.remove(name, this);
            close();
        }

        void close() {
            closed = true;
            Watch current = watch;
            if (current != null) {
                current.close();
            }
        }
    }
}
