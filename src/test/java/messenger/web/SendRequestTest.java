package messenger.web;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A /send body is parsed once, into a stripped text within the limit and an id, or into the error the sender gets. */
class SendRequestTest {

  private static SendRequest parse(String body) {
    return SendRequest.parse(body == null ? null : Buffer.buffer(body), 10);
  }

  private static void refused(String body, int status, String error) {
    assertThatThrownBy(() -> parse(body)).as(body).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.status).isEqualTo(status);
      assertThat(e.error).isEqualTo(error);
      assertThat(e.getMessage()).isNotBlank();
    });
  }

  @Test
  void aValidBodyGivesTheStrippedTextAndTheClientsId() {
    assertThat(parse("{\"text\": \"  hello \\n\", \"id\": \"abc-1_2\"}")).isEqualTo(new SendRequest("abc-1_2", "general", "hello"));
  }

  @Test
  void withoutAnIdOneIsMadeUp() {
    SendRequest first = parse("{\"text\": \"hello\"}");
    assertThat(first.id()).isNotBlank().isNotEqualTo(parse("{\"text\": \"hello\"}").id());
  }

  @Test
  void theLimitCountsCharactersNotUtf16Units() {
    assertThat(parse("{\"text\": \"" + "😀".repeat(10) + "\"}").text()).hasSize(20);
    refused("{\"text\": \"" + "x".repeat(11) + "\"}", 400, "too_long");
  }

  @Test
  void badBodiesGetTheirOwnErrors() {
    refused("{\"text\":", 400, "malformed_json");
    refused("[1,2]", 400, "malformed_json");
    refused("", 400, "malformed_json");
    refused(null, 400, "bad_request");
    refused("null", 400, "bad_request");
    refused("{\"text\": 42}", 400, "bad_request");
    refused("{\"text\": \" \\t \"}", 400, "empty");
    refused("{\"text\": \"hi\", \"id\": \"<b>\"}", 400, "invalid_id");
    refused("{\"text\": \"hi\", \"id\": 7}", 400, "invalid_id");
  }
}
