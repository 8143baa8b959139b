package io.nais.pg.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.ws.rs.BadRequestException;

import io.nais.pg.console.audit.AuditQuery;

/**
 * The audit page's filters as a person types them (dates as {@code YYYY-MM-DD}, UTC days, {@code to} inclusive),
 * the query they make, and the link to the next (older) page.
 */
public record AuditFilters(String person, String kind, String from, String to, int size) {

    static final int DEFAULT_SIZE = 25;
    static final int MAX_SIZE = 200;

    static AuditFilters of(String person, String kind, String from, String to, Integer size) {
        int pageSize = size == null ? DEFAULT_SIZE : size;
        if (pageSize < 1 || pageSize > MAX_SIZE) {
            throw new BadRequestException("size must be between 1 and " + MAX_SIZE);
        }
        return new AuditFilters(blankToNull(person), blankToNull(kind), blankToNull(from), blankToNull(to), pageSize);
    }

    AuditQuery query(List<String> visibleTeams, String team) {
        return new AuditQuery(visibleTeams, team, person, null, day("from", from, 0), day("to", to, 1), kind);
    }

    /** The page after {@code cursor}, with the same filters. */
    String nextUrl(String team, String cursor) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("person", person);
        params.put("kind", kind);
        params.put("from", from);
        params.put("to", to);
        params.put("size", Integer.toString(size));
        params.put("cursor", cursor);
        return "/console/audit/" + team + "?" + params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Instant day(String name, String value, int plusDays) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value).plusDays(plusDays).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be a date, YYYY-MM-DD");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
