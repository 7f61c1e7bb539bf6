using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Tests.Bodies;

/// <summary>Handlers that read bodies and forms every way a user can, for the spooling and form tests.</summary>
internal sealed class BodyApplication : IFcgiApplication
{
    public static readonly FcgiEndpoint Raw = new(0, "POST /body (BodyApplication)");
    public static readonly FcgiEndpoint Form = FcgiEndpoint.ReadingForm(1, "POST /form (BodyApplication)");
    public static readonly FcgiEndpoint Gate = new(2, "POST /body/gate (BodyApplication)", blocking: true);

    private static readonly ConcurrentDictionary<string, (ManualResetEventSlim Entered, ManualResetEventSlim Open)> s_gates = new();

    public static (ManualResetEventSlim Entered, ManualResetEventSlim Open) GateFor(string key) =>
        s_gates.GetOrAdd(key, _ => (new ManualResetEventSlim(), new ManualResetEventSlim()));

    public static FcgiEndpoint? Match(FcgiRequest request)
    {
        ReadOnlySpan<byte> path = request.Path;
        if (path.SequenceEqual("/form"u8))
        {
            return Form;
        }

        return path.SequenceEqual("/body/gate"u8) ? Gate : Raw;
    }

    public static async ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = "text/plain";
        switch (request.GetPathString())
        {
            case "/body":
            {
                // Echoes the body through the stream that works for memory and files alike.
                response.AddHeader("X-Spooled", request.IsBodySpooled ? "yes" : "no");
                response.AddHeader("X-Length", request.BodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using Stream body = request.OpenBodyStream();
                await body.CopyToAsync(response.Body).ConfigureAwait(false);
                break;
            }

            case "/body/span":
                try
                {
                    response.Write(request.Body);
                }
                catch (InvalidOperationException exception)
                {
                    response.StatusCode = 409;
                    response.Write(exception.Message);
                }

                break;

            case "/body/gate":
            {
                string key = Encoding.UTF8.GetString(request.QueryString);
                (ManualResetEventSlim entered, ManualResetEventSlim open) = GateFor(key);
                entered.Set();
                open.Wait(TimeSpan.FromSeconds(30));
                response.Write(request.BodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }

            case "/form":
            case "/form/lazy":
                Describe(request.Form, response);
                break;

            case "/form/body":
                // A form read as it arrived has no body left to read.
                _ = request.Form;
                response.Write(request.Body);
                break;

            case "/cookie":
                response.Write(FcgiBinding.TryGetCookie(request, "session"u8, out ReadOnlySpan<byte> session) ? session : "none"u8);
                break;

            case "/refuse":
                throw new FcgiHttpException(409, "That name is taken.");

            default:
                response.StatusCode = 404;
                break;
        }
    }

    /// <summary>One line per field and file, in order: what the tests compare.</summary>
    private static void Describe(FcgiForm form, FcgiResponse response)
    {
        var text = new StringBuilder();
        text.Append("fields=").Append(form.Count).Append('\n');
        foreach (string name in new[] { "a", "b", "tag", "note", "empty" })
        {
            if (form.GetValues(name) is { Count: > 0 } values)
            {
                text.Append(name).Append('=').Append(string.Join("|", values)).Append('\n');
            }
        }

        foreach (FcgiFile file in form.Files)
        {
            using Stream content = file.OpenRead();
            uint sum = 0;
            int b;
            while ((b = content.ReadByte()) >= 0)
            {
                sum = unchecked((sum * 31) + (uint)b);
            }

            text.Append("file ").Append(file.Name).Append(' ').Append(file.FileName).Append(' ').Append(file.ContentType)
                .Append(' ').Append(file.Length).Append(file.IsSpooled ? " spooled " : " memory ").Append(sum).Append('\n');
        }

        response.Write(text.ToString());
    }
}
