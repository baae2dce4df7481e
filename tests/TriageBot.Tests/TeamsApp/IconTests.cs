namespace TriageBot.Tests.TeamsApp;

/// <summary>The app icons Teams requires: color.png 192x192 in full colour, outline.png 32x32 white on transparent.</summary>
public sealed class IconTests
{
    private static string Icon(string name) => Path.Combine(RepositoryPaths.Root, "manifest", name);

    [Fact]
    public void ColorIcon_Is192x192OpaqueAndInColour()
    {
        var image = PngImage.Read(Icon("color.png"));

        Assert.Equal((192, 192), (image.Width, image.Height));
        var pixels = image.Pixels().ToList();
        Assert.All(pixels, p => Assert.Equal(255, p.A));
        Assert.Contains(pixels, p => p.R != p.G || p.G != p.B);
        Assert.True(pixels.Distinct().Count() > 2, "a glyph, not a plain square");
    }

    [Fact]
    public void OutlineIcon_Is32x32WhiteOnTransparent()
    {
        var image = PngImage.Read(Icon("outline.png"));

        Assert.Equal((32, 32), (image.Width, image.Height));
        var pixels = image.Pixels().ToList();
        // Only white, with alpha for the anti-aliased edges; fully transparent elsewhere.
        Assert.All(pixels, p => Assert.True(p.A == 0 || (p.R, p.G, p.B) == (255, 255, 255), $"pixel {p} is neither white nor transparent"));
        Assert.True(pixels.Count(p => p.A == 255) >= 64, "the glyph has too few solid pixels");
        Assert.True(pixels.Count(p => p.A == 0) >= 512, "the background is not transparent");
        Assert.Equal(0, image[0, 0].A);
        Assert.Equal(0, image[31, 0].A);
        Assert.Equal(0, image[31, 31].A);
    }

    [Fact]
    public void PngImage_DecodesSubAndPaethFilteredRows()
    {
        // A 3x2 RGBA image whose second row uses the Paeth filter and first row the Sub filter,
        // written by hand, so the reader the icon tests rely on is itself checked.
        byte[] raw =
        [
            1, 10, 20, 30, 255, 5, 5, 5, 0, 5, 5, 5, 0,
            4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        ];
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }
        var png = Png(3, 2, compressed.ToArray());

        var image = PngImage.Decode(png);

        Assert.Equal((10, 20, 30, 255), image[0, 0]);
        Assert.Equal((15, 25, 35, 255), image[1, 0]);
        Assert.Equal((20, 30, 40, 255), image[2, 0]);
        Assert.Equal((10, 20, 30, 255), image[0, 1]);
        Assert.Equal((21, 31, 41, 0), image[2, 1]);
    }

    private static byte[] Png(int width, int height, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 6;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        png.Write(System.Text.Encoding.ASCII.GetBytes(type));
        png.Write(data);
        png.Write(new byte[4]); // the reader does not check CRCs
    }
}
