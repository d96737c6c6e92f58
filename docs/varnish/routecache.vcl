# routecache VCL for Varnish 7.1+ with varnish-modules (xkey): the VCL that
# `@routecache/core/cdn/varnish` purges. Everything not handled here falls through to the
# builtin VCL (https://varnish-cache.org/docs/7.1/users-guide/vcl-built-in-code.html), which
# already passes requests with Authorization or Cookie and never stores Set-Cookie,
# `private`, `no-store` or `no-cache` answers.
#
#   tags:  PURGE / with `xkey-purge: <tags>` (hard) or `xkey-softpurge: <tags>` (soft)
#   URLs:  PURGE <path?query> with the public Host (hard), plus `x-purge-soft: 1` (soft)
vcl 4.1;

import std;
import purge;
import xkey;

# Replace with your app. The tests and examples rewrite this block.
backend default {
    .host = "127.0.0.1";
    .port = "3000";
}

# Who may purge: the app's hosts.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Purging not allowed"));
        }
        # https://github.com/varnish/varnish-modules/blob/master/src/vmod_xkey.vcc
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.x-purged));
        }
        if (req.http.xkey-softpurge) {
            set req.http.x-purged = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Soft-purged " + req.http.x-purged));
        }
        if (req.http.x-purge-soft) {
            # vmod_purge's purge.soft() runs in vcl_hit / vcl_miss below.
            return (hash);
        }
        # https://varnish-cache.org/docs/7.1/users-guide/purging.html
        return (purge);
    }
}

sub vcl_hit {
    if (req.method == "PURGE") {
        purge.soft(0s);
        return (synth(200, "Soft-purged"));
    }
}

sub vcl_miss {
    if (req.method == "PURGE") {
        purge.soft(0s);
        return (synth(200, "Soft-purged"));
    }
}

sub vcl_backend_response {
    # routecache's tags (Surrogate-Key, space separated) become xkey's keys.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # RFC 9213: CDN-Cache-Control (a policy's cdnMaxAge) is for us and wins over s-maxage.
    if (beresp.http.CDN-Cache-Control ~ "(?i)(^|,)\s*max-age\s*=\s*[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.CDN-Cache-Control, "(?i)^.*max-age\s*=\s*([0-9]+).*$", "\1s"), beresp.ttl);
    }
    # Keep validated objects after they expire, so Varnish revalidates them with our ETag
    # (If-None-Match) and gets a 304 instead of the whole body.
    if (beresp.http.ETag || beresp.http.Last-Modified) {
        set beresp.keep = 1h;
    }
}

sub vcl_deliver {
    # Tags are for the purge API, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
