using System;

namespace FastCgi.Aot;

/// <summary>Enumerates the CGI parameters of a request in the order the web server sent them, without allocating.</summary>
public ref struct FcgiParamEnumerator
{
    private readonly FcgiRequest _request;
    private int _index;

    internal FcgiParamEnumerator(FcgiRequest request)
    {
        _request = request;
        _index = -1;
    }

    /// <summary>The current parameter.</summary>
    public readonly FcgiParam Current => _request.GetParamAt(_index);

    /// <summary>Moves to the next parameter.</summary>
    public bool MoveNext() => ++_index < _request.ParamCount;

    /// <summary>Returns this enumerator, so that <c>foreach</c> works on it.</summary>
    public readonly FcgiParamEnumerator GetEnumerator() => this;
}
