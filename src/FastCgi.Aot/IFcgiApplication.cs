using System.Threading.Tasks;

namespace FastCgi.Aot;

/// <summary>
/// An application the server can run. The source generator implements it for the
/// <see cref="FcgiRouteAttribute"/> handlers of an assembly; a hand-written type may implement it too.
/// </summary>
/// <remarks>
/// The member is static and abstract so that the server, generic over the application type,
/// calls it directly: no delegate and no interface dispatch per request.
/// </remarks>
public interface IFcgiApplication
{
    /// <summary>
    /// Handles one request. It runs on the connection's I/O path once the request's input is
    /// complete, so it must not block: do slow work asynchronously. Output written after the
    /// request is aborted is dropped.
    /// </summary>
    static abstract ValueTask HandleAsync(FcgiRequest request, FcgiResponse response);
}
