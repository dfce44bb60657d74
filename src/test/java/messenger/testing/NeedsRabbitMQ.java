package messenger.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that needs a real RabbitMQ: its streams, or one broker shared by several app instances (two
 * {@link TestApp}s on one chat, an app restarted onto the chat of another, other processes). Where none is
 * found, or with {@code -Dmessenger.test.embedded=true}, each app runs on an embedded broker of its own and
 * such a test is skipped with a reason that says so. CI runs the suite both ways.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RabbitBroker.class)
public @interface NeedsRabbitMQ {

  /** What it needs RabbitMQ for. */
  String value();
}
