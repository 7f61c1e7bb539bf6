using System;

namespace FastCgi.Aot;

/// <summary>
/// Thrown by a handler (or by the request, for a form it cannot read) to answer the request with
/// an HTTP error status and a one-line text message instead of a 500: for example
/// <c>throw new FcgiHttpException(409, "That name is taken.")</c>. Once the response has started
/// it is a failure like any other, and the response is cut off.
/// </summary>
public sealed class FcgiHttpException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The status to answer with, 400 to 599.</param>
    /// <param name="message">The text of the answer's body, sent to the client: no secrets.</param>
    public FcgiHttpException(int statusCode, string message)
        : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The status to answer with, 400 to 599.</param>
    /// <param name="message">The text of the answer's body, sent to the client: no secrets.</param>
    /// <param name="innerException">What caused it.</param>
    public FcgiHttpException(int statusCode, string message, Exception innerException)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        StatusCode = statusCode;
    }

    /// <summary>The status the request is answered with.</summary>
    public int StatusCode { get; }
}
