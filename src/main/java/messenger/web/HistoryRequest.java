package messenger.web;

import io.vertx.core.MultiMap;
import messenger.bus.ChatRequests.HistoryQuery.Direction;
import messenger.rooms.Room;

import java.util.regex.Pattern;

/**
 * A valid {@code GET /history} query: {@code room} (default {@code general}; whether it exists is the caller's to
 * check), {@code after=<seq>} or {@code before=<seq>} (not both; neither: the newest
 * page) and {@code limit} (default 50, at most 200). A seq is a whole number, 0 or more.
 */
record HistoryRequest(String room, Direction direction, long seq, int limit) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  /** Digits only: no sign, no blank, no exponent; 18 of them always fit a long. */
  private static final Pattern SEQ = Pattern.compile("\\d{1,18}");

  /** Throws the {@link ApiError} a query that is not valid gets. */
  static HistoryRequest parse(MultiMap params) {
    String after = single(params, "after");
    String before = single(params, "before");
    String limit = single(params, "limit");
    String given = single(params, "room");
    String room = given == null ? Room.GENERAL : given;
    if (after != null && before != null) {
      throw bad("Give 'after' or 'before', not both.");
    }
    int pageSize = DEFAULT_LIMIT;
    if (limit != null) {
      if (!limit.matches("\\d{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_LIMIT) {
        throw bad("'limit' must be a number from 1 to " + MAX_LIMIT + ".");
      }
      pageSize = Integer.parseInt(limit);
    }
    if (after != null) {
      return new HistoryRequest(room, Direction.AFTER, seq("after", after), pageSize);
    }
    if (before != null) {
      return new HistoryRequest(room, Direction.BEFORE, seq("before", before), pageSize);
    }
    return new HistoryRequest(room, Direction.NEWEST, -1, pageSize);
  }

  private static long seq(String name, String value) {
    if (!SEQ.matcher(value).matches()) {
      throw bad("'" + name + "' must be a seq: a whole number, 0 or more.");
    }
    return Long.parseLong(value);
  }

  /** The parameter's value, or null; given twice, it is ambiguous. */
  private static String single(MultiMap params, String name) {
    if (params.getAll(name).size() > 1) {
      throw bad("'" + name + "' is given more than once.");
    }
    return params.get(name);
  }

  private static ApiError bad(String message) {
    return new ApiError(400, "bad_request", message);
  }
}
