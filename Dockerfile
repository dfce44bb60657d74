# Build stage: Maven with JDK 17 builds the fat jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY webroot webroot
COPY conf conf
RUN mvn -B -q package -DskipTests

# Run stage: a JRE 17 running target/messenger.jar as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home messenger
WORKDIR /app
COPY --from=build /src/target/messenger.jar /app/messenger.jar
COPY conf /app/conf
USER messenger
EXPOSE 8888
# RABBITMQ_URI: the broker, e.g. amqp://user:password@rabbitmq:5672
# SESSION_SECRET: the same value on every instance of one deployment
# HTTP_PORT: 8888 unless set
ENV RABBITMQ_URI=amqp://guest:guest@rabbitmq:5672
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/messenger.jar"]
