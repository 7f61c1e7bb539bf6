using System;
using System.ComponentModel;

namespace FastCgi.Aot;

/// <summary>
/// Every value of one field of a request's form, in order, without allocating: what binds
/// <c>T[]</c> and <c>List&lt;T&gt;</c> form parameters. Each value comes with how it is encoded
/// (urlencoded values are still percent-encoded; multipart values are taken as sent).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct FcgiFormValues
{
    private readonly FcgiForm? _multipart;
    private readonly ReadOnlySpan<byte> _name;
    private FcgiFormValueEnumerator _urlEncoded;
    private int _index;
    private ReadOnlySpan<byte> _current;

    internal FcgiFormValues(ReadOnlySpan<byte> urlEncoded, ReadOnlySpan<byte> name)
    {
        _urlEncoded = new FcgiFormValueEnumerator(urlEncoded, name);
        _name = name;
        _multipart = null;
        _index = -1;
        _current = default;
    }

    internal FcgiFormValues(FcgiForm multipart, ReadOnlySpan<byte> name)
    {
        _urlEncoded = default;
        _name = name;
        _multipart = multipart;
        _index = -1;
        _current = default;
    }

    /// <summary>The current value, as <see cref="Encoding"/> says.</summary>
    public readonly ReadOnlySpan<byte> Current => _current;

    /// <summary>How <see cref="Current"/> is encoded: <see cref="FcgiValueEncoding.Query"/> for urlencoded forms, <see cref="FcgiValueEncoding.None"/> for multipart.</summary>
    public readonly FcgiValueEncoding Encoding => _multipart is null ? FcgiValueEncoding.Query : FcgiValueEncoding.None;

    /// <summary>Moves to the next value of the field.</summary>
    public bool MoveNext()
    {
        if (_multipart is null)
        {
            bool moved = _urlEncoded.MoveNext();
            _current = moved ? _urlEncoded.Current : default;
            return moved;
        }

        while (++_index < _multipart.MultipartFieldCount)
        {
            if (_multipart.MultipartName(_index).SequenceEqual(_name))
            {
                _current = _multipart.MultipartValue(_index);
                return true;
            }
        }

        _current = default;
        return false;
    }

    /// <summary>Returns this enumerator, so that <c>foreach</c> works on it.</summary>
    public readonly FcgiFormValues GetEnumerator() => this;
}
