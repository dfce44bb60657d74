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
# Class-data sharing (AppCDS): one training start records the classes the app loads while starting in an
# archive, which every later start maps instead of loading those classes from the jar again (start to /health
# 200 in 0.6x the time, see the README's Performance section). No broker is needed: the app starts without one
# and keeps trying until it is stopped. The throwaway session key keeps the app from writing a key into the
# image. A JVM that cannot use the archive starts without it.
RUN SESSION_SECRET=only-for-the-cds-training-start-never-used RABBITMQ_URI=amqp://guest:guest@127.0.0.1:1 \
    timeout -s TERM 20 java -XX:ArchiveClassesAtExit=/app/messenger.jsa -jar /app/messenger.jar >/dev/null 2>&1; \
    test -s /app/messenger.jsa
USER messenger
EXPOSE 8888
# RABBITMQ_URI: the broker, e.g. amqp://user:password@rabbitmq:5672
# SESSION_SECRET: the same value on every instance of one deployment
# HTTP_PORT: 8888 unless set
# MONITORING_PORT, MONITORING_HOST: the management port for /metrics (9888 on 127.0.0.1 unless set)
ENV RABBITMQ_URI=amqp://guest:guest@rabbitmq:5672
ENTRYPOINT ["sh", "-c", "exec java -XX:SharedArchiveFile=/app/messenger.jsa $JAVA_OPTS -jar /app/messenger.jar"]
