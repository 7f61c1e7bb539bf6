using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

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

    /// <summary>
    /// Whether the application plays <paramref name="role"/> (FastCGI 1.0 §6). The server answers a
    /// BEGIN_REQUEST for a role the application does not accept with END_REQUEST and
    /// <c>FCGI_UNKNOWN_ROLE</c> instead of calling <see cref="HandleAsync"/>. Every role by default;
    /// the generated application accepts Responder when the assembly has an <see cref="FcgiRouteAttribute"/>
    /// handler, Authorizer when it has an <see cref="FcgiAuthorizerAttribute"/> handler and Filter when
    /// it has an <see cref="FcgiFilterAttribute"/> handler.
    /// </summary>
    /// <param name="role">The role the web server asks for.</param>
    static virtual bool AcceptsRole(FcgiRole role) => true;
}
