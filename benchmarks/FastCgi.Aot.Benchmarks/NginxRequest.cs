using System;
using System.Text;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// The records nginx sends for a browser's GET over HTTPS with the stock <c>fastcgi_params</c> plus
/// <c>fastcgi_param SCRIPT_FILENAME</c>: BEGIN_REQUEST (flags 0, nginx's default without
/// <c>fastcgi_keep_conn</c>), every parameter in one PARAMS record, the empty PARAMS record and,
/// as there is no body, the empty STDIN record.
/// </summary>
internal static class NginxRequest
{
    public const ushort RequestId = 1;

    private static readonly (string Name, string Value)[] s_params =
    [
        ("QUERY_STRING", "page=2&sort=desc"),
        ("REQUEST_METHOD", "GET"),
        ("CONTENT_TYPE", ""),
        ("CONTENT_LENGTH", ""),
        ("SCRIPT_NAME", "/api/orders"),
        ("REQUEST_URI", "/api/orders?page=2&sort=desc"),
        ("DOCUMENT_URI", "/api/orders"),
        ("DOCUMENT_ROOT", "/srv/www/shop/public"),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("REQUEST_SCHEME", "https"),
        ("HTTPS", "on"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("SERVER_SOFTWARE", "nginx/1.26.2"),
        ("REMOTE_ADDR", "203.0.113.57"),
        ("REMOTE_PORT", "51234"),
        ("SERVER_ADDR", "10.0.0.12"),
        ("SERVER_PORT", "443"),
        ("SERVER_NAME", "shop.example.com"),
        ("REDIRECT_STATUS", "200"),
        ("SCRIPT_FILENAME", "/srv/www/shop/public/api/orders"),
        ("HTTP_HOST", "shop.example.com"),
        ("HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"),
        ("HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5"),
        ("HTTP_ACCEPT_ENCODING", "gzip, deflate, br, zstd"),
        ("HTTP_CONNECTION", "keep-alive"),
        ("HTTP_COOKIE", "sid=7c2e9b41f0a84d6fb35e1a90c4d2f768; theme=dark; cart=3"),
        ("HTTP_UPGRADE_INSECURE_REQUESTS", "1"),
        ("HTTP_SEC_FETCH_DEST", "document"),
        ("HTTP_SEC_FETCH_MODE", "navigate"),
        ("HTTP_SEC_FETCH_SITE", "none"),
        ("HTTP_SEC_FETCH_USER", "?1"),
        ("HTTP_PRIORITY", "u=0, i"),
    ];

    public static int PairCount => s_params.Length;

    /// <summary>Builds the request's bytes once, outside the measured code.</summary>
    public static byte[] Create()
    {
        byte[] pairs = new byte[8192];
        int pairsLength = 0;
        foreach ((string name, string value) in s_params)
        {
            if (!FcgiNameValueWriter.TryWrite(pairs.AsSpan(pairsLength), Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value), out int written))
            {
                throw new InvalidOperationException("The parameter buffer is too small.");
            }

            pairsLength += written;
        }

        byte[] request = new byte[16 + FcgiRecordWriter.GetRecordLength(pairsLength) + 8 + 8];
        int length = FcgiRecordWriter.WriteBeginRequest(request, RequestId, FcgiRole.Responder, FcgiBeginRequestFlags.None);
        length += FcgiRecordWriter.WriteRecord(request.AsSpan(length), FcgiRecordType.Params, RequestId, pairs.AsSpan(0, pairsLength));
        length += FcgiRecordWriter.WriteEndOfStream(request.AsSpan(length), FcgiRecordType.Params, RequestId);
        length += FcgiRecordWriter.WriteEndOfStream(request.AsSpan(length), FcgiRecordType.Stdin, RequestId);
        return request.AsSpan(0, length).ToArray();
    }
}
