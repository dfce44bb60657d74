package messenger.rabbit;

/** A send the broker never saw; {@code status} is the HTTP status the sender gets. */
final class SendRefused extends RuntimeException {

  static final int TOO_FAST = 429;
  static final int UNAVAILABLE = 503;

  final int status;

  SendRefused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
