package messenger.bus;

/**
 * A session ended: {@code login} of {@code user} logged out at {@code at} (epoch milliseconds), here or on another
 * instance. Asked of LogoutVerticle by the web verticle that logged it out ({@code messenger.session.end}, answered
 * once it is recorded for every instance); published by LogoutVerticle to this process ({@code messenger.logout})
 * for every logout on any instance: RabbitVerticle drops the user's publisher, PresenceVerticle closes the
 * login's tabs.
 */
public record LoggedOut(String user, String login, long at) implements Bus.Message {
}
