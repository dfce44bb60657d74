package bench;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Several {@link Receivers} as one: receivers are dealt to the parts in turn, figures are summed. */
final class ReceiverSet implements Receivers {

  private final List<Receivers> parts;

  ReceiverSet(List<? extends Receivers> parts) {
    this.parts = List.copyOf(parts);
  }

  @Override
  public Future<Void> open(List<Integer> indexes, int parallel) {
    List<List<Integer>> split = new ArrayList<>();
    parts.forEach(p -> split.add(new ArrayList<>()));
    for (int i = 0; i < indexes.size(); i++) {
      split.get(i % parts.size()).add(indexes.get(i));
    }
    List<Future<Void>> opening = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      opening.add(parts.get(p).open(split.get(p), parallel));
    }
    return Future.all(opening).mapEmpty();
  }

  @Override
  public Future<Void> startStep(int step, int firstMeasuredSeq, int lastMeasuredSeq, long windowStartMicros, long windowEndMicros) {
    return all(p -> p.startStep(step, firstMeasuredSeq, lastMeasuredSeq, windowStartMicros, windowEndMicros)).mapEmpty();
  }

  @Override
  public Future<Snapshot> snapshot(int expected) {
    return all(p -> p.snapshot(expected)).map(Snapshot::sum);
  }

  @Override
  public Future<Void> forgetProbes() {
    return all(Receivers::forgetProbes).mapEmpty();
  }

  @Override
  public Future<Integer> reopenClosed() {
    return all(Receivers::reopenClosed).map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  @Override
  public Future<Long> minimumSeen() {
    return all(Receivers::minimumSeen).map(seen -> seen.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE));
  }

  @Override
  public Future<Void> closeAll() {
    return all(Receivers::closeAll).mapEmpty();
  }

  private <T> Future<List<T>> all(Function<Receivers, Future<T>> action) {
    return Future.all(parts.stream().map(action).toList()).map(f -> f.<T>list());
  }
}
