# Quill: builds and runs the same jar as the README (server/target/quill-server.jar + lib/).
#
#   docker build -t quill .
#   docker run -p 8080:8080 quill                                        # the bundled demo model
#   docker run -p 8080:8080 -v /path/to/model:/model quill --model /model
#
# On an AMD CPU Quill makes MKL take its Intel code path itself (README.md, "AMD CPUs"); to turn it off:
#   docker run -p 8080:8080 -e QUILL_MKL_INTEL_PATH=off quill
#
# CUDA variant (needs the NVIDIA container toolkit at run time; see the cuda profile in pom.xml):
#   docker build -t quill:cuda --build-arg MAVEN_PROFILE=cuda \
#       --build-arg RUNTIME_IMAGE=nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 .
#   docker run --gpus all -p 8080:8080 -v /path/to/model:/model quill:cuda --model /model --device gpu:0

ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM eclipse-temurin:17-jdk AS build
ARG MAVEN_PROFILE=""
WORKDIR /src
# The wrapper and poms first, so dependency downloads stay cached while sources change.
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY model/pom.xml model/pom.xml
COPY server/pom.xml server/pom.xml
RUN ./mvnw -B -q ${MAVEN_PROFILE:+-P$MAVEN_PROFILE} dependency:go-offline -DexcludeArtifactIds=quill-model || true
COPY . .
RUN ./mvnw -B -q ${MAVEN_PROFILE:+-P$MAVEN_PROFILE} package -DskipTests

FROM ${RUNTIME_IMAGE}
# A CUDA base image has no Java: add a JRE there (the Temurin image already has one).
RUN if ! command -v java >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
COPY --from=build /src/server/target/quill-server.jar /app/quill-server.jar
COPY --from=build /src/server/target/lib /app/lib
COPY config/quill.yaml /app/config/quill.yaml
# The demo model Quill trained itself (docs/DEMO_MODEL.md): serve's default model.path, relative to /app.
COPY models/quill-demo /app/models/quill-demo
ENV QUILL_SERVER_HOST=0.0.0.0
# A fixed, pre-touched heap keeps the container's RSS steady (README.md, "Memory"); the java launcher
# reads this variable, and `docker run -e JDK_JAVA_OPTIONS=...` replaces it.
ENV JDK_JAVA_OPTIONS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
EXPOSE 8080
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/app/quill-server.jar", "serve"]
