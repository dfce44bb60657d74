package bench;

import io.vertx.core.buffer.Buffer;

/**
 * Finds message ids in received frames by a byte scan: no JSON tree per frame. Ids are
 * {@code r<step>_<seq>_<scheduled send time, µs>} for measured messages and {@code p<n>} for probes.
 * Every occurrence is visited, in case a peer packs several messages in one frame.
 */
final class Frames {

  interface Visitor {
    void message(int step, int seq, long sentMicros);

    void probe();
  }

  private static final byte[] KEY = {'"', 'i', 'd', '"', ':', '"'};

  private Frames() {
  }

  static void scan(Buffer frame, Visitor visitor) {
    int length = frame.length();
    int i = 0;
    while ((i = indexOfKey(frame, i, length)) >= 0) {
      i += KEY.length;
      byte kind = i < length ? frame.getByte(i) : 0;
      if (kind == 'p') {
        visitor.probe();
      } else if (kind == 'r') {
        long step = 0, seq = 0, micros = 0;
        int field = 0;
        for (i = i + 1; i < length; i++) {
          byte b = frame.getByte(i);
          if (b == '_') {
            field++;
          } else if (b >= '0' && b <= '9') {
            if (field == 0) step = step * 10 + (b - '0');
            else if (field == 1) seq = seq * 10 + (b - '0');
            else micros = micros * 10 + (b - '0');
          } else {
            break;
          }
        }
        if (field == 2) {
          visitor.message((int) step, (int) seq, micros);
        }
      }
    }
  }

  private static int indexOfKey(Buffer frame, int from, int length) {
    outer:
    for (int i = from; i <= length - KEY.length; i++) {
      for (int k = 0; k < KEY.length; k++) {
        if (frame.getByte(i + k) != KEY[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
