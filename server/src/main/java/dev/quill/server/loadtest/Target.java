package dev.quill.server.loadtest;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one server the load goes to, from {@code --url}, and the paths under it the tool calls:
 * {@code /ws}, {@code /v1/chat/completions}, {@code /v1/models} and {@code /metrics}. The URL may
 * name the server ({@code http://127.0.0.1:8080}) or one of those paths ({@code ws://…/ws},
 * {@code http://…/v1}); nothing else is ever contacted.
 */
public record Target(String host, int port, boolean ssl, String basePath, String apiKey) {

    public static Target parse(String url, String apiKey) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url '" + url + "' is not a URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
        boolean ssl = switch (scheme) {
            case "http", "ws" -> false;
            case "https", "wss" -> true;
            default -> throw new IllegalArgumentException("--url must start with http://, https://, ws:// or wss://");
        };
        if (u.getHost() == null) {
            throw new IllegalArgumentException("--url '" + url + "' has no host");
        }
        int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        for (String suffix : new String[] {"/", "/ws", "/v1/chat/completions", "/v1"}) {
            if (path.endsWith(suffix)) {
                path = path.substring(0, path.length() - suffix.length());
            }
        }
        return new Target(u.getHost(), port, ssl, path, apiKey);
    }

    /** The WebSocket chat endpoint; the key goes in {@code ?token=}, as browsers must send it. */
    public WebSocketConnectOptions socket() {
        return socket(null);
    }

    /** The same, with {@code ?client=} for a load balancer to hash on when {@code client} is not null. */
    public WebSocketConnectOptions socket(String client) {
        StringBuilder query = new StringBuilder();
        if (client != null) {
            query.append("client=").append(URLEncoder.encode(client, StandardCharsets.UTF_8));
        }
        if (apiKey != null) {
            query.append(query.isEmpty() ? "" : "&").append("token=").append(URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
        }
        String uri = basePath + "/ws" + (query.isEmpty() ? "" : "?" + query);
        return new WebSocketConnectOptions().setHost(host).setPort(port).setSsl(ssl).setURI(uri);
    }

    public RequestOptions chatCompletions() {
        return request(HttpMethod.POST, "/v1/chat/completions")
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
    }

    public RequestOptions models() {
        return request(HttpMethod.GET, "/v1/models");
    }

    RequestOptions metrics() {
        return request(HttpMethod.GET, "/metrics");
    }

    /** For the result file: the URL without the key. */
    public String describe() {
        return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
    }

    /** A request to a path under the server, with the key when there is one. */
    public RequestOptions request(HttpMethod method, String path) {
        RequestOptions o = new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl)
                .setURI(basePath + path);
        if (apiKey != null) {
            o.putHeader("Authorization", "Bearer " + apiKey);
        }
        return o;
    }
}
