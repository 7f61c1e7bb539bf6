using System;
using System.Net;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

public class HttpStatusTests
{
    /// <summary>Every status code RFC 9110 §15 defines, with the name it gives (306 and 418 it reserves as "(Unused)").</summary>
    public static TheoryData<int, string> Rfc9110Codes => new()
    {
        { 100, "Continue" }, { 101, "Switching Protocols" },
        { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 203, "Non-Authoritative Information" },
        { 204, "No Content" }, { 205, "Reset Content" }, { 206, "Partial Content" },
        { 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
        { 304, "Not Modified" }, { 305, "Use Proxy" }, { 306, "Unused" }, { 307, "Temporary Redirect" },
        { 308, "Permanent Redirect" },
        { 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
        { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
        { 407, "Proxy Authentication Required" }, { 408, "Request Timeout" }, { 409, "Conflict" },
        { 410, "Gone" }, { 411, "Length Required" }, { 412, "Precondition Failed" },
        { 413, "Content Too Large" }, { 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
        { 416, "Range Not Satisfiable" }, { 417, "Expectation Failed" }, { 418, "I'm a teapot" },
        { 421, "Misdirected Request" }, { 422, "Unprocessable Content" }, { 426, "Upgrade Required" },
        { 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
        { 503, "Service Unavailable" }, { 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
    };

    /// <summary>The codes outside RFC 9110 that .NET's HttpStatusCode names, and 425, with their registering RFC's name.</summary>
    public static TheoryData<int, string> RegisteredCodes => new()
    {
        { 102, "Processing" }, { 103, "Early Hints" }, { 207, "Multi-Status" }, { 208, "Already Reported" },
        { 226, "IM Used" }, { 423, "Locked" }, { 424, "Failed Dependency" }, { 425, "Too Early" },
        { 428, "Precondition Required" }, { 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
        { 451, "Unavailable For Legal Reasons" }, { 506, "Variant Also Negotiates" }, { 507, "Insufficient Storage" },
        { 508, "Loop Detected" }, { 510, "Not Extended" }, { 511, "Network Authentication Required" },
    };

    public static TheoryData<int, string> UnnamedCodes => new()
    {
        { 199, "Informational" }, { 250, "Successful" }, { 399, "Redirection" }, { 420, "Client Error" },
        { 499, "Client Error" }, { 509, "Server Error" }, { 599, "Server Error" }, { 600, "Unknown Status" },
        { 999, "Unknown Status" },
    };

    [Theory]
    [MemberData(nameof(Rfc9110Codes))]
    public void ReasonPhraseIsTheNameRfc9110Gives(int statusCode, string phrase) =>
        Assert.Equal(phrase, Phrase(statusCode));

    [Theory]
    [MemberData(nameof(RegisteredCodes))]
    public void ReasonPhraseIsTheRegisteredNameForCodesOutsideRfc9110(int statusCode, string phrase) =>
        Assert.Equal(phrase, Phrase(statusCode));

    [Theory]
    [MemberData(nameof(UnnamedCodes))]
    public void ReasonPhraseOfAnUnnamedCodeNamesItsClass(int statusCode, string phrase) =>
        Assert.Equal(phrase, Phrase(statusCode));

    [Fact]
    public void EveryHttpStatusCodeMemberHasItsOwnPhrase()
    {
        string[] generic = ["Informational", "Successful", "Redirection", "Client Error", "Server Error", "Unknown Status"];
        foreach (HttpStatusCode code in Enum.GetValues<HttpStatusCode>())
        {
            string phrase = Phrase((int)code);
            Assert.True(Array.IndexOf(generic, phrase) < 0, $"{code} ({(int)code}) has only the generic phrase '{phrase}'.");
        }
    }

    [Fact]
    public void EveryPhraseIsAValidReasonPhrase()
    {
        // RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ).
        for (int code = 100; code <= 999; code++)
        {
            ReadOnlySpan<byte> phrase = HttpStatus.ReasonPhrase(code);
            Assert.False(phrase.IsEmpty);
            foreach (byte b in phrase)
            {
                Assert.True(b is (byte)'\t' or >= 0x20 and not 0x7F, $"{code}: byte 0x{b:X2}");
            }
        }
    }

    private static string Phrase(int statusCode) => Encoding.ASCII.GetString(HttpStatus.ReasonPhrase(statusCode));
}
