using System;
using System.Collections;
using System.Collections.Generic;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// The cookies an <see cref="FcgiTestClient"/> sends with every request, in a <c>Cookie</c> header,
/// as a browser would: those whose path matches the request's path, not expired, and those marked
/// <c>Secure</c> only over HTTPS. With <see cref="FcgiTestClientOptions.UseCookies"/> the client
/// also fills it from the answers' <c>Set-Cookie</c> headers; a test may set cookies itself either way.
/// Safe to use from several threads.
/// </summary>
/// <remarks>
/// It follows RFC 6265 §5.3 and §5.4 for one host: a cookie is identified by its name, domain and
/// path; without a <c>Path</c> attribute its path is the directory of the request that set it;
/// a <c>Domain</c> attribute that does not match <see cref="FcgiTestClientOptions.Host"/> makes a
/// browser ignore the cookie, and so does the jar; <c>Max-Age</c> wins over <c>Expires</c>; cookies
/// with longer paths are sent first. Nothing is decoded or encoded.
/// </remarks>
public sealed class FcgiTestCookieJar : IEnumerable<FcgiTestCookie>
{
    private readonly object _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly string _host;
    private long _sequence;

    internal FcgiTestCookieJar(string host)
    {
        int colon = host.LastIndexOf(':');
        _host = (colon > 0 && !host.EndsWith(']') ? host.Substring(0, colon) : host).ToLowerInvariant();
    }

    /// <summary>The cookies held and not expired.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                RemoveExpired(DateTimeOffset.UtcNow);
                return _entries.Count;
            }
        }
    }

    /// <summary>The value of the cookie named <paramref name="name"/> (the one with the longest path when several are), or null.</summary>
    /// <param name="name">The cookie's name, compared case-sensitively.</param>
    public string? GetValue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (FcgiTestCookie cookie in this)
        {
            if (cookie.Name == name)
            {
                return cookie.Value;
            }
        }

        return null;
    }

    /// <summary>Puts a cookie in the jar, replacing one of the same name and path: what a browser holds after a <c>Set-Cookie</c>.</summary>
    /// <param name="name">A token (RFC 6265 §4.1.1).</param>
    /// <param name="value">Cookie octets (printable ASCII but space, <c>"</c>, <c>,</c>, <c>;</c> and <c>\</c>), optionally in double quotes.</param>
    /// <param name="path">The cookie's path: it is sent to this path and below. <c>/</c> by default.</param>
    /// <param name="secure">True to send it over HTTPS only.</param>
    public void Set(string name, string value, string path = "/", bool secure = false)
    {
        CookieSyntax.ValidatePair(name, value);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/')
        {
            throw new ArgumentException("A cookie path starts with '/'.", nameof(path));
        }

        Store(new FcgiTestCookie(name, value) { Path = path, Secure = secure }, requestPath: path);
    }

    /// <summary>Removes every cookie named <paramref name="name"/>.</summary>
    /// <returns>True when there was one.</returns>
    public bool Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _entries.RemoveAll(entry => entry.Cookie.Name == name) > 0;
        }
    }

    /// <summary>Removes every cookie.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    /// <summary>The cookies held and not expired, longest path first (the order they are sent in), each with its resolved path and domain.</summary>
    public IEnumerator<FcgiTestCookie> GetEnumerator()
    {
        List<FcgiTestCookie> cookies;
        lock (_lock)
        {
            RemoveExpired(DateTimeOffset.UtcNow);
            cookies = new List<FcgiTestCookie>(_entries.Count);
            foreach (Entry entry in Sorted())
            {
                cookies.Add(entry.Cookie);
            }
        }

        return cookies.GetEnumerator();
    }

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Keeps a cookie an answer to a request for <paramref name="requestPath"/> set, or deletes the one it names (RFC 6265 §5.3).</summary>
    internal void Store(FcgiTestCookie cookie, string requestPath)
    {
        string? domain = cookie.Domain;
        if (domain is not null && !DomainMatches(_host, domain))
        {
            return;
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset? expiry = cookie.MaxAge is { } maxAge
            ? (maxAge <= TimeSpan.Zero ? DateTimeOffset.MinValue : SafeAdd(now, maxAge))
            : cookie.Expires;
        var stored = new FcgiTestCookie(cookie.Name, cookie.Value)
        {
            Path = cookie.Path ?? DefaultPath(requestPath),
            Domain = domain ?? _host,
            MaxAge = cookie.MaxAge,
            Expires = cookie.Expires,
            HttpOnly = cookie.HttpOnly,
            Secure = cookie.Secure,
            SameSite = cookie.SameSite,
        };
        lock (_lock)
        {
            int index = _entries.FindIndex(entry => entry.Cookie.Name == stored.Name && entry.Cookie.Path == stored.Path && entry.Cookie.Domain == stored.Domain);
            long created = index >= 0 ? _entries[index].Created : _sequence++;
            if (index >= 0)
            {
                _entries.RemoveAt(index);
            }

            if (expiry is null || expiry > now)
            {
                _entries.Add(new Entry(stored, expiry, created, HostOnly: domain is null));
            }
        }
    }

    /// <summary>The <c>name=value</c> pairs to send to <paramref name="requestPath"/>, in order (RFC 6265 §5.4).</summary>
    internal List<KeyValuePair<string, string>> CookiesFor(string requestPath, bool https)
    {
        var cookies = new List<KeyValuePair<string, string>>();
        lock (_lock)
        {
            RemoveExpired(DateTimeOffset.UtcNow);
            foreach (Entry entry in Sorted())
            {
                FcgiTestCookie cookie = entry.Cookie;
                bool domainMatches = entry.HostOnly ? cookie.Domain == _host : DomainMatches(_host, cookie.Domain!);
                if (domainMatches && PathMatches(requestPath, cookie.Path!) && (https || !cookie.Secure))
                {
                    cookies.Add(new KeyValuePair<string, string>(cookie.Name, cookie.Value));
                }
            }
        }

        return cookies;
    }

    /// <summary>§5.1.4: the request path is the cookie's path, or under it.</summary>
    internal static bool PathMatches(string requestPath, string cookiePath) =>
        requestPath == cookiePath ||
        (requestPath.StartsWith(cookiePath, StringComparison.Ordinal) &&
            (cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/'));

    /// <summary>§5.1.4: the directory of the request's path.</summary>
    private static string DefaultPath(string requestPath)
    {
        int last = requestPath.LastIndexOf('/');
        return last <= 0 ? "/" : requestPath.Substring(0, last);
    }

    /// <summary>§5.1.3: the host is the domain, or a name under it.</summary>
    private static bool DomainMatches(string host, string domain) =>
        host == domain ||
        (host.EndsWith("." + domain, StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(host, out _));

    private static DateTimeOffset SafeAdd(DateTimeOffset now, TimeSpan maxAge) =>
        maxAge > DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + maxAge;

    private void RemoveExpired(DateTimeOffset now) => _entries.RemoveAll(entry => entry.Expiry <= now);

    private List<Entry> Sorted()
    {
        var sorted = new List<Entry>(_entries);
        sorted.Sort(static (x, y) =>
        {
            int byPath = y.Cookie.Path!.Length.CompareTo(x.Cookie.Path!.Length);
            return byPath != 0 ? byPath : x.Created.CompareTo(y.Created);
        });
        return sorted;
    }

    private readonly record struct Entry(FcgiTestCookie Cookie, DateTimeOffset? Expiry, long Created, bool HostOnly);
}
