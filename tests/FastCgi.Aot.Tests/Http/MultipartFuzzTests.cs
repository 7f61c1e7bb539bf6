using System;
using System.Collections.Generic;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

/// <summary>
/// Seeded, structure-aware fuzzing of the multipart reader: random forms (boundaries, names with
/// escapes, file names, padding, preambles, epilogues, content full of near-delimiters) encoded
/// and read back in random chunks; then the same bodies mutated, where every outcome must be one
/// of the typed ones and must not depend on how the body was cut.
/// </summary>
public class MultipartFuzzTests
{
    private const string BoundaryChars = "'()+_,-./:=? 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    [Fact]
    public void RandomFormsReadBackExactlyInRandomChunks()
    {
        var random = new Random(20261204);
        var reader = new MultipartReader(maxParts: 8, maxHeaderBytes: 512);
        for (int i = 0; i < 3000; i++)
        {
            Form form = Form.Generate(random);
            byte[] body = form.Encode(random);

            var collector = new MultipartCollector(reader, form.ContentType);
            MultipartError outcome = collector.FeedAll(Cut(random, body));

            if (outcome != MultipartError.None)
            {
                Assert.Fail($"case {i}: {outcome}\n{Encoding.Latin1.GetString(body)}");
            }

            Assert.Equal(form.Parts, collector.Parts, ReadPartComparer.Instance);
        }
    }

    [Fact]
    public void MutatedFormsGiveTypedOutcomesThatDoNotDependOnTheCuts()
    {
        var random = new Random(4242);
        var whole = new MultipartReader(maxParts: 8, maxHeaderBytes: 512);
        var cut = new MultipartReader(maxParts: 8, maxHeaderBytes: 512);
        var outcomes = new Dictionary<MultipartError, int>();
        for (int i = 0; i < 10000; i++)
        {
            Form form = Form.Generate(random);
            byte[] body = Mutate(random, form.Encode(random), form.Boundary);

            var expected = new MultipartCollector(whole, form.ContentType);
            MultipartError outcome = expected.FeedAll([body]);
            var actual = new MultipartCollector(cut, form.ContentType);
            actual.FeedAll(Cut(random, body));

            Assert.True(Enum.IsDefined(outcome), $"case {i}: {outcome}");
            Assert.Equal(expected.Log, actual.Log);
            Assert.InRange(expected.DataBytes, 0, body.Length);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // The mutations reach the success path and every error a body can give (MissingBoundary
        // comes from the Content-Type, which is not mutated).
        foreach (MultipartError error in Enum.GetValues<MultipartError>())
        {
            Assert.True(error == MultipartError.MissingBoundary || outcomes.ContainsKey(error), $"{error} never happened: {string.Join(", ", outcomes)}");
        }
    }

    private static List<ArraySegment<byte>> Cut(Random random, byte[] body)
    {
        var chunks = new List<ArraySegment<byte>>();
        int maxChunk = random.Next(8) switch
        {
            0 => 1,
            1 or 2 => 8,
            3 or 4 => 80,
            _ => 4096,
        };
        if (body.Length > 4096)
        {
            maxChunk = Math.Max(maxChunk, 200);     // byte-sized cuts of the short bodies cover the same code, faster
        }

        for (int position = 0; position < body.Length;)
        {
            int length = Math.Min(body.Length - position, random.Next(maxChunk + 1));
            chunks.Add(new ArraySegment<byte>(body, position, length));
            position += length;
        }

        return chunks;
    }

    private static byte[] Mutate(Random random, byte[] body, string boundary)
    {
        var bytes = new List<byte>(body);
        int mutations = random.Next(1, 5);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(Pick(random, ["\r\n", "\r", "\n", "--", "\r\n--" + boundary, "\r\n--" + boundary + "--", "\r\n--" + boundary + "\r\n", ";", "\"", ":", "\r\n\r\n", " "])));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(random.Next(1, 40), bytes.Count - Math.Min(at, bytes.Count - 1)));
                    break;
                case 3 when bytes.Count > 0:
                {
                    int start = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(start, Math.Min(random.Next(1, 200), bytes.Count - start)));
                    break;
                }

                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(Pick(random, ["Content-Disposition: form-data; name=x\r\n", "Content-Type: a/b\r\n", "X: " + new string('h', 600) + "\r\n", "name=\"a\\\"b\""])));
                    break;
                default:
                {
                    // Repeat a whole part, to pass the parts limit.
                    string text = Encoding.Latin1.GetString(bytes.ToArray());
                    int first = text.IndexOf("--" + boundary, StringComparison.Ordinal);
                    if (first >= 0)
                    {
                        string part = text[first..];
                        bytes.InsertRange(first, Encoding.Latin1.GetBytes(string.Concat(System.Linq.Enumerable.Repeat(part[..Math.Min(part.Length, 300)], 9))));
                    }

                    break;
                }
            }
        }

        return bytes.ToArray();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    /// <summary>A form to encode, and what reading it must give back.</summary>
    private sealed class Form
    {
        private readonly string _preamble;
        private readonly string _epilogue;

        private Form(string boundary, bool quoteBoundary, string preamble, string epilogue, List<ReadPart> parts)
        {
            Boundary = boundary;
            ContentType = "multipart/form-data; boundary=" + (quoteBoundary ? "\"" + boundary + "\"" : boundary);
            _preamble = preamble;
            _epilogue = epilogue;
            Parts = parts;
        }

        public string Boundary { get; }

        public string ContentType { get; }

        public List<ReadPart> Parts { get; }

        public static Form Generate(Random random)
        {
            int length = random.Next(4) == 0 ? random.Next(60, 71) : random.Next(1, 30);
            var boundary = new StringBuilder();
            for (int i = 0; i < length; i++)
            {
                boundary.Append(BoundaryChars[random.Next(BoundaryChars.Length)]);
            }

            if (boundary[^1] == ' ')
            {
                boundary[^1] = 'z';
            }

            string b = boundary.ToString();
            bool needsQuotes = b.AsSpan().IndexOfAny("'()+,/:=? ") >= 0;
            var parts = new List<ReadPart>();
            int count = random.Next(7);
            for (int i = 0; i < count; i++)
            {
                string? fileName = random.Next(3) == 0 ? Text(random, 0, 20) : null;
                string contentType = random.Next(3) switch
                {
                    0 => string.Empty,
                    1 => "text/plain; charset=utf-8",
                    _ => "application/octet-stream",
                };
                parts.Add(new ReadPart(Text(random, 0, 20), fileName, contentType, Content(random, b)));
            }

            string preamble = random.Next(3) == 0 ? Preamble(random, b) : string.Empty;
            string epilogue = random.Next(3) == 0 ? Encoding.Latin1.GetString(Content(random, b)) + "\r\n--" + b + "\r\n" : string.Empty;
            return new Form(b, needsQuotes || random.Next(2) == 0, preamble, epilogue, parts);
        }

        public byte[] Encode(Random random)
        {
            var body = new List<byte>();
            if (_preamble.Length > 0)
            {
                body.AddRange(Encoding.Latin1.GetBytes(_preamble + "\r\n"));
            }

            foreach (ReadPart part in Parts)
            {
                body.AddRange(Encoding.UTF8.GetBytes("--" + Boundary + Padding(random) + "\r\n"));
                string disposition = Case(random, "Content-Disposition") + ":" + Whitespace(random) + Case(random, "form-data") +
                    "; name=" + Quote(random, part.Name) + (part.FileName is null ? string.Empty : "; filename=" + Quote(random, part.FileName)) + Whitespace(random) + "\r\n";
                string type = part.ContentType.Length == 0 ? string.Empty : Case(random, "Content-Type") + ":" + Whitespace(random) + part.ContentType + "\r\n";
                string extra = random.Next(4) == 0 ? "X-Extra: " + Text(random, 0, 10) + "\r\n" : string.Empty;
                body.AddRange(Encoding.UTF8.GetBytes(random.Next(2) == 0 ? disposition + type + extra : extra + type + disposition));
                body.AddRange("\r\n"u8.ToArray());
                body.AddRange(part.Data);
                body.AddRange("\r\n"u8.ToArray());
            }

            body.AddRange(Encoding.UTF8.GetBytes("--" + Boundary + "--" + Padding(random)));
            if (_epilogue.Length > 0 || random.Next(2) == 0)
            {
                body.AddRange(Encoding.Latin1.GetBytes("\r\n" + _epilogue));
            }

            return body.ToArray();
        }

        /// <summary>Content full of line breaks and near-delimiters, but holding no delimiter line.</summary>
        private static byte[] Content(Random random, string boundary)
        {
            while (true)
            {
                var content = new List<byte>();
                int tokens = random.Next(12);
                for (int t = 0; t < tokens; t++)
                {
                    switch (random.Next(9))
                    {
                        case 0:
                            content.AddRange("\r\n"u8.ToArray());
                            break;
                        case 1:
                            content.Add(random.Next(2) == 0 ? (byte)'\r' : (byte)'\n');
                            break;
                        case 2:
                            content.AddRange(Encoding.Latin1.GetBytes("\r\n--" + boundary[..random.Next(boundary.Length)]));
                            break;
                        case 3:
                            content.AddRange(Encoding.Latin1.GetBytes("\r\n--" + boundary + Pick(random, ["x", "0", "\"", "\r\r", "-x", " \tx", "\r-"])));
                            break;
                        case 4:
                            content.AddRange(Encoding.Latin1.GetBytes("--" + boundary));
                            break;
                        case 5:
                        {
                            var noise = new byte[random.Next(random.Next(20) == 0 ? 20000 : 200)];
                            random.NextBytes(noise);
                            content.AddRange(noise);
                            break;
                        }

                        default:
                            content.AddRange(Encoding.UTF8.GetBytes(Text(random, 1, 30)));
                            break;
                    }
                }

                byte[] bytes = content.ToArray();
                if (!HoldsDelimiterLine(bytes, boundary))
                {
                    return bytes;
                }
            }
        }

        private static string Preamble(Random random, string boundary)
        {
            while (true)
            {
                string preamble = Pick(random, ["", "--" + boundary + "x", "This is the preamble.\r\n"]) + Encoding.Latin1.GetString(Content(random, boundary));
                if (!HoldsDelimiterLine(Encoding.Latin1.GetBytes("\r\n" + preamble), boundary))
                {
                    return preamble;
                }
            }
        }

        /// <summary>
        /// True when CRLF "--" boundary occurs in <paramref name="content"/> without a byte after it
        /// that keeps it content. At its very end the delimiter that follows the content would
        /// supply a CR, so that counts too.
        /// </summary>
        private static bool HoldsDelimiterLine(byte[] content, string boundary)
        {
            byte[] delimiter = Encoding.Latin1.GetBytes("\r\n--" + boundary);
            ReadOnlySpan<byte> rest = content;
            int offset;
            while ((offset = rest.IndexOf(delimiter)) >= 0)
            {
                int next = offset + delimiter.Length;
                if (next >= rest.Length || rest[next] is (byte)'-' or (byte)' ' or (byte)'\t' or (byte)'\r')
                {
                    return true;
                }

                rest = rest[(offset + 1)..];
            }

            return false;
        }

        private static string Text(Random random, int min, int max)
        {
            const string Alphabet = "abcXYZ019 _-.;:=,/\"\\'%()\u00e9\u20ac";
            var text = new StringBuilder();
            int length = random.Next(min, max + 1);
            for (int i = 0; i < length; i++)
            {
                text.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            return text.ToString();
        }

        private static string Quote(Random random, string value)
        {
            bool token = value.Length > 0 && value.AsSpan().IndexOfAnyExcept("abcXYZ019_-.'%") < 0;
            return token && random.Next(2) == 0 ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        }

        private static string Padding(Random random) => random.Next(4) == 0 ? Pick(random, [" ", "\t", "  \t "]) : string.Empty;

        private static string Whitespace(Random random) => Pick(random, ["", " ", " ", "\t "]);

        private static string Case(Random random, string value) =>
            random.Next(3) switch
            {
                0 => value.ToUpperInvariant(),
                1 => value.ToLowerInvariant(),
                _ => value,
            };
    }
}
