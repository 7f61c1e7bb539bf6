using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>
/// Runs requests through <typeparamref name="TApplication"/> without a socket, with the runtime's
/// own in-memory exchange: the endpoint and its body limit (413), the handler with its binding,
/// a failure answered with 500, the after hook. The role is checked first, as a connection checks
/// it at BEGIN_REQUEST.
/// </summary>
internal sealed class InMemoryTransport<TApplication> : FcgiTestTransport
    where TApplication : IFcgiApplication
{
    private readonly int _maxBodyBytes;
    private readonly TextWriter _log;

    public InMemoryTransport(int maxBodyBytes, TextWriter log)
    {
        _maxBodyBytes = maxBodyBytes;
        _log = log;
    }

    public override async Task<FcgiTestResponse> SendAsync(PreparedRequest request, CancellationToken cancellationToken)
    {
        if (!TApplication.AcceptsRole(request.Role))
        {
            // What the server does at BEGIN_REQUEST: END_REQUEST with FCGI_UNKNOWN_ROLE and no output.
            return new FcgiTestResponse([], "", FcgiRequestOutcome.Completed, FcgiProtocolStatus.UnknownRole, appStatus: 0);
        }

        // The request's Aborted token is the caller's: cancelling it (or the client's timeout)
        // aborts the request as a web server's FCGI_ABORT_REQUEST would.
        var exchange = new FcgiInMemoryExchange(request.Parameters, request.Body.Span, request.Role, request.Data.Span, cancellationToken);
        FcgiRequestOutcome outcome = await exchange.RunAsync<TApplication>(_maxBodyBytes, _log).WaitAsync(cancellationToken).ConfigureAwait(false);
        string stderr = Encoding.UTF8.GetString(exchange.Response.GetStderr());
        return new FcgiTestResponse(exchange.RenderResponse(), stderr, outcome, FcgiProtocolStatus.RequestComplete, appStatus: 0);
    }

    public override ValueTask DisposeAsync() => default;
}
