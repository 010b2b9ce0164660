package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One kind of hostile or careless client, run many times over the driver's duration. All its
 * callbacks run on the driver's one event-loop context, so it keeps its state without locks.
 */
interface Behaviour {

    /** Its name in the report, e.g. {@code slowloris}. */
    String name();

    /** Opens its connections or schedules its requests, spread over the duration. */
    void start(HostileClients clients);

    /**
     * The duration is over: nothing more is sent, and every connection it still holds is closed
     * (or reset). The future completes when they are; the driver bounds how long it waits.
     */
    Future<Void> stop();

    /** What it did and what it saw: counts, status and close codes. */
    JsonObject report();
}
