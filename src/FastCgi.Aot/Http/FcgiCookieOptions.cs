using System;

namespace FastCgi.Aot;

/// <summary>
/// The attributes of a cookie set with <see cref="FcgiResult.WithCookie"/> or
/// <see cref="FcgiResponse.WithCookie"/> (RFC 6265 §4.1): where it is sent, for how long, and how it
/// is protected. A null or false property sends no attribute.
/// </summary>
/// <remarks>
/// The options are read when the cookie is set; changing them afterwards changes nothing already
/// set, so one instance can be shared by every handler.
/// </remarks>
public sealed class FcgiCookieOptions
{
    /// <summary>
    /// The <c>Path</c> attribute: the cookie is sent for this path and below it. Without it the
    /// browser uses the request path's directory (RFC 6265 §5.1.4), which is rarely what is meant:
    /// <c>"/"</c> sends it everywhere. Printable US-ASCII, no <c>;</c>.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// The <c>Domain</c> attribute: the cookie is also sent to subdomains of this domain. Without
    /// it, it goes to the host that set it only, which is the safer default.
    /// </summary>
    public string? Domain { get; set; }

    /// <summary>
    /// The <c>Max-Age</c> attribute, sent in whole seconds (a fraction is cut off): the cookie
    /// expires this long after it is received. It wins over <see cref="Expires"/> in browsers that
    /// know both. Without either, the cookie lasts until the browser closes. It cannot be negative:
    /// delete a cookie with <see cref="FcgiResult.DeleteCookie"/>.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>The <c>Expires</c> attribute, sent as an IMF-fixdate in GMT (RFC 9110 §5.6.7).</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The <c>HttpOnly</c> attribute: scripts in the page cannot read the cookie. Set it for session cookies.</summary>
    public bool HttpOnly { get; set; }

    /// <summary>The <c>Secure</c> attribute: the cookie is sent over HTTPS only.</summary>
    public bool Secure { get; set; }

    /// <summary>
    /// The <c>SameSite</c> attribute, or null to send none and leave the choice to the browser.
    /// <see cref="FcgiSameSite.None"/> needs <see cref="Secure"/>: browsers drop such a cookie
    /// otherwise, so setting it without is refused.
    /// </summary>
    public FcgiSameSite? SameSite { get; set; }
}
