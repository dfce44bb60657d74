package messenger.broker;

/** The kind of broker Messenger talks to, decided once at start-up; it decides how the chat log is kept. */
public enum BrokerKind {

  /** RabbitMQ 3.9 or newer: the chat log is a stream, shared by every instance and kept on disk. */
  RABBITMQ("RabbitMQ"),

  /** The embedded try-out broker: no streams, so each instance reads its own queue and keeps history in memory. */
  EMBEDDED("The embedded broker (Qpid)");

  /** What the log calls it. */
  public final String displayName;

  BrokerKind(String displayName) {
    this.displayName = displayName;
  }
}
