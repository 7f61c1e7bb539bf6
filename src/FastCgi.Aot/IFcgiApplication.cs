using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot;

/// <summary>
/// An application the server can run. The source generator implements it for the
/// <see cref="FcgiRouteAttribute"/> handlers of an assembly; a hand-written type may implement it too.
/// </summary>
/// <remarks>
/// <para>The members are static so that the server, generic over the application type, calls
/// them directly: no delegate and no interface dispatch per request.</para>
/// <para>A request's life, as the server drives it: <see cref="AcceptsRole"/> at BEGIN_REQUEST;
/// <see cref="Match"/> once the parameters are complete (its endpoint decides the body limit and
/// where the handler runs); <see cref="HandleAsync"/> once the input is complete;
/// <see cref="OnRequestCompleted"/> after the request's last byte went to the web server, or it
/// was aborted or cut off.</para>
/// </remarks>
public interface IFcgiApplication
{
    /// <summary>
    /// Handles one request. An ordinary handler runs on the connection's I/O thread once the
    /// request's input is complete, so it must not block: do slow work asynchronously, or mark the
    /// endpoint blocking (<see cref="FcgiEndpoint.Blocking"/>), which runs it on a worker thread.
    /// Output written after the request ended (aborted, timed out) is dropped.
    /// </summary>
    /// <remarks>
    /// When the server has matched the request, <see cref="FcgiRequest.Endpoint"/> holds what
    /// <see cref="Match"/> returned; an implementation must not assume it, since tests and CGI
    /// mode may call this method directly.
    /// </remarks>
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

    /// <summary>
    /// Finds the handler of a request whose parameters are complete, before its body arrives: the
    /// endpoint's body limit applies to the body, and a blocking endpoint's handler runs on a
    /// worker thread. The server stores the result in <see cref="FcgiRequest.Endpoint"/>.
    /// </summary>
    /// <param name="request">The request, with its parameters and no body yet.</param>
    /// <returns>The endpoint, or null when the application does not route (the default): its handler runs inline under the server's limits.</returns>
    static virtual FcgiEndpoint? Match(FcgiRequest request) => null;

    /// <summary>
    /// True when <see cref="OnRequestCompleted"/> does something. False by default, and then the
    /// server skips the call and the summary it would build.
    /// </summary>
    static virtual bool ObservesCompletedRequests => false;

    /// <summary>
    /// Called once for every request the server took (every BEGIN_REQUEST that got a request
    /// object) when it ended: after its END_REQUEST was handed to the web server, or when it was
    /// aborted, timed out or cut off. It runs on the thread that ended the request, often an I/O
    /// thread, so it must be quick and must not throw: an access log line or a counter. The request
    /// is still intact; it must not be kept after the call.
    /// </summary>
    /// <param name="request">The request that ended.</param>
    /// <param name="summary">Its final status, outcome, duration and size.</param>
    static virtual void OnRequestCompleted(FcgiRequest request, in FcgiRequestSummary summary)
    {
    }
}
