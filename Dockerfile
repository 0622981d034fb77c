# syntax=docker/dockerfile:1
# The aideploy image: one jar, three server commands (operator, gateway, all) and the CLI.
#   docker build -t ghcr.io/aideploy/aideploy:0.1.0 .

# --- build: the self-contained jar, without the tests (they need a control plane) -----------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src/ src/
RUN mvn -B -q package -Dmaven.test.skip=true -Dspotless.check.skip=true

# --- run: a JRE, no shell tools needed, a fixed non-root user ----------------------------
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 aideploy \
 && useradd --system --uid 10001 --gid aideploy --no-create-home --shell /usr/sbin/nologin aideploy
COPY --from=build /src/target/aideploy.jar /app/aideploy.jar
# Numeric, so that runAsNonRoot can verify it without resolving names.
USER 10001:10001
# 8080: gateway; 8081: management (/healthz, /readyz, /metrics).
EXPOSE 8080 8081
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/aideploy.jar"]
CMD ["--help"]
