using System.ComponentModel;

namespace FastCgi.Aot;

/// <summary>How a bound value is encoded where it was found; chosen by the generated binder.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum FcgiValueEncoding
{
    /// <summary>Taken as is: CGI parameters and headers.</summary>
    None = 0,

    /// <summary>Percent-encoded: route segments.</summary>
    Path = 1,

    /// <summary>Percent-encoded, with <c>+</c> for a space: query-string keys and values.</summary>
    Query = 2,

    /// <summary>
    /// The rest of a path, bound by a catch-all (<c>{*path}</c>): percent-decoded except
    /// <c>%2F</c>, which stays encoded, so that an encoded slash (<c>/files/a%2Fb</c>, one
    /// segment) can be told from a real one (<c>/files/a/b</c>, two).
    /// </summary>
    PathRest = 3,
}
