package dev.quill.server.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The names a load balancer and Quill share so that a conversation's turns land on the replica
 * that holds its KV prefix, and so that anyone can see where a turn went. Quill routes nothing
 * itself: the balancer hashes on the affinity key (deploy/ configures nginx, HAProxy and
 * Kubernetes with these names, and {@code DeployFilesTest} holds them to it).
 *
 * <ul>
 *   <li>HTTP: the header {@value #CONVERSATION_HEADER} names the conversation, as the body's
 *       {@code conversation_id} does (either, or both when they agree), and the balancer reads it
 *       without parsing the body.
 *   <li>WebSocket: one socket carries all of a client's conversations, so the key is the socket's:
 *       {@code /ws?}{@value #CLIENT_PARAM}{@code =…} (the page's client id), or
 *       {@code /ws?}{@value #CONVERSATION_PARAM}{@code =…} for a socket opened for one
 *       conversation. The server reads neither; they are for the balancer.
 *   <li>Every response carries {@value #REPLICA_HEADER}, and a WebSocket {@code start} frame its
 *       {@code replica} field: the serving process's {@code server.replica_id}.
 * </ul>
 */
public final class Affinity {

    public static final String CONVERSATION_HEADER = "X-Quill-Conversation";
    public static final String REPLICA_HEADER = "X-Quill-Replica";
    public static final String CONVERSATION_PARAM = "conversation";
    public static final String CLIENT_PARAM = "client";

    private Affinity() {
    }

    /**
     * The replica's name: the configured one, else this host's name and the port it listens on.
     * Kubernetes sets {@code HOSTNAME} to the pod's name, Compose to the container's id; outside
     * both the resolver is asked once, at start.
     */
    public static String replicaId(String configured, int port) {
        if (!configured.isEmpty()) {
            return configured;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host + ":" + port;
    }
}
