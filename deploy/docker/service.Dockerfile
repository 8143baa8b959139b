# One image recipe for the four services (Quarkus fast-jar, target/quarkus-app).
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=access-service .
# The build context is the repository root: the jar is built from the repo.
FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl "${SERVICE}" -am package -DskipTests

FROM eclipse-temurin:17-jre
ARG SERVICE
# backup-service needs pg_dump/pg_restore (major >= the clusters'); others none.
ARG EXTRA_PACKAGES=""
RUN if [ -n "${EXTRA_PACKAGES}" ]; then \
      apt-get update && apt-get install -y --no-install-recommends ${EXTRA_PACKAGES} && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --uid 185 --user-group --no-create-home --shell /usr/sbin/nologin quarkus
WORKDIR /app
# fast-jar layout: dependencies change least, so they form the lowest layers
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/lib/ /app/lib/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/*.jar /app/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/app/ /app/app/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/quarkus/ /app/quarkus/
USER 185
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
