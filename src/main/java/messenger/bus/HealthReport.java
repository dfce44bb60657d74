package messenger.bus;

import io.vertx.core.json.JsonObject;

/** A verticle's answer to a {@code /health} check: up or not, and what the check shows. */
public interface HealthReport extends Bus.Message {

  boolean up();

  JsonObject toJson();
}
