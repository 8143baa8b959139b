# The services' image recipe for docker compose on a developer's Docker host (Quarkus fast-jar,
# target/quarkus-app):
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=access-service .
# The build context is the repository root: the jar is built from the repo
# (.dockerignore keeps .git, target/ and .local/ out).
#
# Not the release images: those are built by the Maven build from scratch, with no
# base image pulled (deploy module, ServiceImages; README "Images"), and pinned by
# digest with bin/pin-images. So the bases here stay tags.
FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl "${SERVICE}" -am package -DskipTests

FROM eclipse-temurin:17-jre
ARG SERVICE
# backup-service runs pg_dump and pg_restore, which must be at least as new as
# the newest cluster's server: the PostgreSQL client from PGDG
# (apt.postgresql.org, its signing key checked by fingerprint) at this pinned
# major, not the distribution's. Raise it before the first cluster of a newer
# major appears (ImageBuildTest: at least 17 and every PostgreSQL of compose).
# PgTools finds it in /usr/lib/postgresql/<major>/bin. Other services: none.
ENV PG_MAJOR=17
ENV PGDG_KEY_FINGERPRINT=B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8
RUN set -eux; \
    if [ "${SERVICE}" = backup-service ]; then \
      apt-get update; \
      apt-get install -y --no-install-recommends ca-certificates curl gnupg; \
      install -d /usr/share/postgresql-common/pgdg; \
      curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
      gpg --show-keys --with-colons /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        | grep -q "^fpr:::::::::${PGDG_KEY_FINGERPRINT}:"; \
      . /etc/os-release; \
      echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list; \
      apt-get update; \
      apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
      apt-get purge -y --auto-remove curl gnupg; \
      rm -rf /var/lib/apt/lists/*; \
      "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version; \
    fi; \
    useradd --uid 185 --user-group --no-create-home --shell /usr/sbin/nologin quarkus
WORKDIR /app
# fast-jar layout: dependencies change least, so they form the lowest layers
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/lib/ /app/lib/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/*.jar /app/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/app/ /app/app/
COPY --from=build --chown=185:185 /src/${SERVICE}/target/quarkus-app/quarkus/ /app/quarkus/
# the CycloneDX SBOM of exactly these jars (made in package: cyclonedx-maven-plugin)
COPY --from=build --chown=185:185 /src/${SERVICE}/target/bom.json /app/sbom/bom.json
USER 185
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
