namespace FastCgi.Aot;

/// <summary>
/// The <c>SameSite</c> attribute of a cookie (RFC 6265bis §4.1.2.7): whether the browser sends it
/// with requests that other sites start. Leave <see cref="FcgiCookieOptions.SameSite"/> null to
/// send no attribute and let the browser choose (current browsers treat that as <see cref="Lax"/>).
/// </summary>
public enum FcgiSameSite
{
    /// <summary>Sent with same-site requests and with top-level navigations from other sites (following a link).</summary>
    Lax,

    /// <summary>Sent with same-site requests only.</summary>
    Strict,

    /// <summary>Sent with every request, including other sites' embeds; browsers accept it only with <see cref="FcgiCookieOptions.Secure"/>.</summary>
    None,
}
