using System;
using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class NameValueTests
{
    // FastCGI 1.0 §3.4: a length up to 127 is one byte 0LLLLLLL; above, four bytes with the top bit set.
    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "01")]
    [InlineData(127, "7F")]
    [InlineData(128, "80 00 00 80")]
    [InlineData(255, "80 00 00 FF")]
    [InlineData(256, "80 00 01 00")]
    [InlineData(65535, "80 00 FF FF")]
    [InlineData(74565, "80 01 23 45")]
    public void TryWriteEncodesTheNameLengthInTheShortestForm(int length, string prefix)
    {
        byte[] name = Wire.Pattern(length);
        byte[] destination = new byte[FcgiNameValueWriter.GetEncodedLength(length, 0)];

        Assert.True(FcgiNameValueWriter.TryWrite(destination, name, [], out int written));

        Assert.Equal(Wire.Concat(Wire.Hex(prefix), Wire.Hex("00"), name), destination);
        Assert.Equal(destination.Length, written);
        Assert.Equal(Wire.Hex(prefix).Length, FcgiNameValueWriter.GetLengthSize(length));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "80 00 00 80")]
    [InlineData(74565, "80 01 23 45")]
    public void TryWriteEncodesTheValueLengthInTheShortestForm(int length, string prefix)
    {
        byte[] value = Wire.Pattern(length, seed: 7);
        byte[] destination = new byte[FcgiNameValueWriter.GetEncodedLength(1, length)];

        Assert.True(FcgiNameValueWriter.TryWrite(destination, "N"u8, value, out int written));

        Assert.Equal(Wire.Concat(Wire.Hex("01"), Wire.Hex(prefix), Wire.Ascii("N"), value), destination);
        Assert.Equal(destination.Length, written);
    }

    [Theory]
    [InlineData(0, 0, 2)]
    [InlineData(11, 10, 23)]
    [InlineData(127, 127, 256)]
    [InlineData(128, 0, 133)]
    [InlineData(0, 128, 133)]
    [InlineData(128, 128, 264)]
    [InlineData(1, 65535, 65541)]
    public void GetEncodedLengthCountsBothLengthsAndBothStrings(int nameLength, int valueLength, int expected)
    {
        Assert.Equal(expected, FcgiNameValueWriter.GetEncodedLength(nameLength, valueLength));
    }

    [Fact]
    public void ReadDecodesASpecVectorWithShortLengths()
    {
        byte[] input = Wire.Concat(Wire.Hex("0B 0A"), Wire.Ascii("SCRIPT_NAME"), Wire.Ascii("/index.php"));
        var reader = new FcgiNameValueReader(input);

        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.Equal("SCRIPT_NAME"u8, name);
        Assert.Equal("/index.php"u8, value);
        Assert.Equal(23, reader.Consumed);
        Assert.Equal(FcgiNameValueStatus.End, reader.Read(out _, out _));
    }

    [Theory]
    [InlineData(127, 127)]
    [InlineData(128, 1)]
    [InlineData(1, 128)]
    [InlineData(200, 70000)]
    public void ReadDecodesShortAndLongFormsForNameAndValue(int nameLength, int valueLength)
    {
        byte[] name = Wire.Pattern(nameLength);
        byte[] value = Wire.Pattern(valueLength, seed: 3);
        byte[] input = Wire.Concat(EncodeLength(nameLength), EncodeLength(valueLength), name, value);
        var reader = new FcgiNameValueReader(input);

        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out ReadOnlySpan<byte> readName, out ReadOnlySpan<byte> readValue));
        Assert.Equal(name, readName.ToArray());
        Assert.Equal(value, readValue.ToArray());
        Assert.Equal(input.Length, reader.Consumed);
    }

    [Fact]
    public void ReadDecodesALengthInFourByteFormEvenWhenItFitsInOne()
    {
        // Nothing in §3.4 requires the shortest form, so 80 00 00 03 is just 3.
        byte[] input = Wire.Concat(Wire.Hex("80 00 00 03 80 00 00 00"), Wire.Ascii("abc"));
        var reader = new FcgiNameValueReader(input);

        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.Equal("abc"u8, name);
        Assert.True(value.IsEmpty);
        Assert.Equal(11, reader.Consumed);
    }

    [Fact]
    public void EmptyNamesAndValuesRoundTrip()
    {
        byte[] destination = new byte[2];
        Assert.True(FcgiNameValueWriter.TryWrite(destination, [], [], out int written));
        Assert.Equal(Wire.Hex("00 00"), destination);
        Assert.Equal(2, written);

        var reader = new FcgiNameValueReader(Wire.Hex("00 00 00 01 76"));
        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.True(name.IsEmpty);
        Assert.True(value.IsEmpty);
        Assert.Equal(2, reader.Consumed);
        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out name, out value));
        Assert.True(name.IsEmpty);
        Assert.Equal("v"u8, value);
        Assert.Equal(FcgiNameValueStatus.End, reader.Read(out _, out _));
    }

    [Fact]
    public void ValuesAreBinarySafeAndKeepTrailingNul()
    {
        // §3.4: values are binary data; no NUL terminator is stripped or expected.
        byte[] value = [0x00, 0xFF, 0x80, 0x3D, 0x0A, 0x00];
        byte[] destination = new byte[FcgiNameValueWriter.GetEncodedLength(1, value.Length)];
        Assert.True(FcgiNameValueWriter.TryWrite(destination, [0x00], value, out _));
        Assert.Equal(Wire.Hex("01 06 00 00 FF 80 3D 0A 00"), destination);

        var reader = new FcgiNameValueReader(destination);
        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> read));
        Assert.Equal(new byte[] { 0x00 }, name.ToArray());
        Assert.Equal(value, read.ToArray());
    }

    [Fact]
    public void ReadReturnsViewsOverTheInput()
    {
        byte[] input = Wire.Concat(Wire.Hex("01 01"), Wire.Ascii("ab"));
        var reader = new FcgiNameValueReader(input);

        reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);

        Assert.True(name.Overlaps(input.AsSpan(2, 1)));
        Assert.True(value.Overlaps(input.AsSpan(3, 1)));
    }

    [Fact]
    public void ReadReturnsEndForEmptyInput()
    {
        var reader = new FcgiNameValueReader([]);

        Assert.Equal(FcgiNameValueStatus.End, reader.Read(out _, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void TryWriteWritesNothingWhenThePairDoesNotFit()
    {
        byte[] destination = [0xAA, 0xAA, 0xAA, 0xAA, 0xAA];

        Assert.False(FcgiNameValueWriter.TryWrite(destination, "abc"u8, "d"u8, out int written));

        Assert.Equal(0, written);
        Assert.Equal(Wire.Hex("AA AA AA AA AA"), destination);
    }

    [Fact]
    public void TryWriteFillsADestinationOfExactlyTheEncodedLength()
    {
        byte[] destination = new byte[6];

        Assert.True(FcgiNameValueWriter.TryWrite(destination, "abc"u8, "d"u8, out int written));

        Assert.Equal(6, written);
        Assert.Equal(Wire.Concat(Wire.Hex("03 01"), Wire.Ascii("abcd")), destination);
    }

    [Theory]
    [InlineData("80")]
    [InlineData("80 00")]
    [InlineData("80 00 00")]
    [InlineData("05 80")]
    [InlineData("05 80 00")]
    [InlineData("05 80 00 00")]
    public void ReadReturnsIncompleteWhenAFourByteLengthIsTruncated(string input)
    {
        var reader = new FcgiNameValueReader(Wire.Hex(input));

        Assert.Equal(FcgiNameValueStatus.Incomplete, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.True(name.IsEmpty);
        Assert.True(value.IsEmpty);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ReadReturnsIncompleteWhenTheValueLengthIsMissing()
    {
        var reader = new FcgiNameValueReader(Wire.Hex("05"));

        Assert.Equal(FcgiNameValueStatus.Incomplete, reader.Read(out _, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("05 00 61 62 63 64")]
    [InlineData("01 05 61 62 63")]
    [InlineData("80 00 01 00 00 61")]
    [InlineData("01 80 00 01 00 61 62")]
    public void ReadReturnsIncompleteWhenALengthRunsPastTheEnd(string input)
    {
        var reader = new FcgiNameValueReader(Wire.Hex(input));

        Assert.Equal(FcgiNameValueStatus.Incomplete, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.True(name.IsEmpty);
        Assert.True(value.IsEmpty);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ReadReturnsIncompleteForEveryProperPrefixOfAPair()
    {
        byte[] pair = Wire.Concat(EncodeLength(130), EncodeLength(200), Wire.Pattern(130), Wire.Pattern(200, seed: 5));

        for (int length = 1; length < pair.Length; length++)
        {
            var reader = new FcgiNameValueReader(pair.AsSpan(0, length));
            Assert.Equal(FcgiNameValueStatus.Incomplete, reader.Read(out _, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void ConsumedCountsOnlyWholePairsForEveryPrefixOfAStream()
    {
        byte[][] pairs =
        [
            Wire.Concat(Wire.Hex("01 01"), Wire.Ascii("ab")),
            Wire.Hex("00 00"),
            Wire.Concat(EncodeLength(128), EncodeLength(3), Wire.Pattern(128), Wire.Ascii("xyz")),
            Wire.Concat(EncodeLength(2), EncodeLength(300), Wire.Ascii("hi"), Wire.Pattern(300)),
        ];
        byte[] stream = Wire.Concat(pairs);
        var boundaries = new List<int> { 0 };
        foreach (byte[] pair in pairs)
        {
            boundaries.Add(boundaries[^1] + pair.Length);
        }

        for (int length = 0; length <= stream.Length; length++)
        {
            var reader = new FcgiNameValueReader(stream.AsSpan(0, length));
            int count = 0;
            FcgiNameValueStatus status;
            while ((status = reader.Read(out _, out _)) == FcgiNameValueStatus.Pair)
            {
                count++;
            }

            int lastBoundary = boundaries.FindLastIndex(b => b <= length);
            Assert.Equal(lastBoundary, count);
            Assert.Equal(boundaries[lastBoundary], reader.Consumed);
            Assert.Equal(boundaries[lastBoundary] == length ? FcgiNameValueStatus.End : FcgiNameValueStatus.Incomplete, status);

            // Reading again after Incomplete or End changes nothing.
            Assert.Equal(status, reader.Read(out _, out _));
            Assert.Equal(boundaries[lastBoundary], reader.Consumed);
        }
    }

    [Fact]
    public void AnIncompletePairCompletesWhenTheRestArrives()
    {
        // §3.3: a pair may straddle PARAMS records, so the caller keeps the unconsumed tail.
        byte[] stream = Wire.Concat(Wire.Hex("01 01"), Wire.Ascii("ab"), Wire.Hex("03 80 00 00 81"), Wire.Ascii("key"), Wire.Pattern(129));
        var first = new FcgiNameValueReader(stream.AsSpan(0, 10));
        Assert.Equal(FcgiNameValueStatus.Pair, first.Read(out _, out _));
        Assert.Equal(FcgiNameValueStatus.Incomplete, first.Read(out _, out _));

        var second = new FcgiNameValueReader(stream.AsSpan(first.Consumed));

        Assert.Equal(FcgiNameValueStatus.Pair, second.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.Equal("key"u8, name);
        Assert.Equal(Wire.Pattern(129), value.ToArray());
    }

    // FF FF FF FF is the largest 4-byte length: the top bit marks the form, the rest is 2^31 - 1.
    [Theory]
    [InlineData("FF FF FF FF 00 61 62 63")]
    [InlineData("00 FF FF FF FF 61 62 63")]
    [InlineData("FF FF FF FF FF FF FF FF 61")]
    [InlineData("80 00 04 01 00 61 62 63")]
    [InlineData("01 80 00 04 01 61 62 63")]
    public void ReadReturnsLengthOverLimitWhenADeclaredLengthExceedsTheLimit(string input)
    {
        var reader = new FcgiNameValueReader(Wire.Hex(input), maxLength: 1024);

        Assert.Equal(FcgiNameValueStatus.LengthOverLimit, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.True(name.IsEmpty);
        Assert.True(value.IsEmpty);
        Assert.Equal(0, reader.Consumed);
        Assert.Equal(FcgiNameValueStatus.LengthOverLimit, reader.Read(out _, out _));
    }

    [Theory]
    [InlineData("FF FF FF FF")]
    [InlineData("FF FF FF FF 80")]
    [InlineData("80 00 04 01 80 00 00")]
    public void ReadReturnsLengthOverLimitAsSoonAsTheNameLengthIsKnown(string input)
    {
        // The value length has not arrived, but the pair is already refused: waiting for its bytes
        // would only delay the answer, and at the end of a stream would misreport it as truncated.
        var reader = new FcgiNameValueReader(Wire.Hex(input), maxLength: 1024);

        Assert.Equal(FcgiNameValueStatus.LengthOverLimit, reader.Read(out _, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("FF FF FF FF 00 61 62 63")]
    [InlineData("00 FF FF FF FF 61 62 63")]
    [InlineData("FF FF FF FF FF FF FF FF 61")]
    [InlineData("7F FF FF FF FF 61")]
    public void ReadReturnsIncompleteForTheLargestLengthsWithoutALimit(string input)
    {
        // The declared lengths sum to almost 2^32: they must be compared without wrapping.
        var reader = new FcgiNameValueReader(Wire.Hex(input));

        Assert.Equal(FcgiNameValueStatus.Incomplete, reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value));
        Assert.True(name.IsEmpty);
        Assert.True(value.IsEmpty);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ReadAcceptsALengthEqualToTheLimit()
    {
        byte[] input = Wire.Concat(EncodeLength(200), Wire.Hex("00"), Wire.Pattern(200));

        var atLimit = new FcgiNameValueReader(input, maxLength: 200);
        var belowLimit = new FcgiNameValueReader(input, maxLength: 199);

        Assert.Equal(FcgiNameValueStatus.Pair, atLimit.Read(out _, out _));
        Assert.Equal(FcgiNameValueStatus.LengthOverLimit, belowLimit.Read(out _, out _));
    }

    [Fact]
    public void ReadStopsAtAPairOverTheLimitAfterEarlierPairs()
    {
        byte[] input = Wire.Concat(Wire.Hex("01 01"), Wire.Ascii("ab"), Wire.Hex("01 09"), Wire.Ascii("c123456789"));
        var reader = new FcgiNameValueReader(input, maxLength: 8);

        Assert.Equal(FcgiNameValueStatus.Pair, reader.Read(out _, out _));
        Assert.Equal(FcgiNameValueStatus.LengthOverLimit, reader.Read(out _, out _));
        Assert.Equal(4, reader.Consumed);
    }

    [Fact]
    public void ConstructorRejectsANegativeLimit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FcgiNameValueReader([], -1));
    }

    [Fact]
    public void ReadNeverThrowsOrOverrunsOnRandomInput()
    {
        const int Seed = 20261122;
        var random = new Random(Seed);
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            byte[] input = new byte[random.Next(0, 24)];
            random.NextBytes(input);
            int maxLength = random.Next(2) == 0 ? FcgiConstants.MaxNameValueLength : random.Next(0, 16);
            try
            {
                var reader = new FcgiNameValueReader(input, maxLength);
                int previous = 0;
                while (reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value) == FcgiNameValueStatus.Pair)
                {
                    Assert.True(reader.Consumed > previous && reader.Consumed <= input.Length);
                    Assert.True(name.Length <= maxLength && value.Length <= maxLength);
                    previous = reader.Consumed;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {Seed}, iteration {iteration}, input {Convert.ToHexString(input)}: {e}");
            }
        }
    }

    private static byte[] EncodeLength(int length) =>
        length <= 127 ? [(byte)length] : [(byte)((length >> 24) | 0x80), (byte)(length >> 16), (byte)(length >> 8), (byte)length];
}
