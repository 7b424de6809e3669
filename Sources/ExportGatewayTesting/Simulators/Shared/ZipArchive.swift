import Foundation

/// A minimal ZIP writer (stored entries, CRC-32): enough for simulators to serve real,
/// valid archives that `unzip` and every ZIP library accept.
public enum ZipArchive {
    /// One file in an archive.
    public struct Entry: Sendable {
        /// The path inside the archive, `/`-separated.
        public var path: String
        /// The file's bytes.
        public var contents: Data

        /// Creates an entry.
        public init(path: String, contents: Data) {
            self.path = path
            self.contents = contents
        }
    }

    /// The archive holding `entries`, in order, each stamped as modified at `modified` (UTC,
    /// to MS-DOS's two seconds). Without a date every entry carries 2025-01-15 09:30:00, so
    /// archives are reproducible; a vendor whose archives differ per request passes one.
    public static func make(_ entries: [Entry], modified: Date? = nil) -> Data {
        var archive = Data()
        var central = Data()
        var dosTime: UInt16 = (9 << 11) | (30 << 5)
        var dosDate: UInt16 = ((2025 - 1980) << 9) | (1 << 5) | 15
        if let modified {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
            let year = min(max((parts.year ?? 1980) - 1980, 0), 127)
            dosDate = UInt16(year << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
            dosTime = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        }
        for entry in entries {
            let name = Data(entry.path.utf8)
            let crc = CRC32.checksum(entry.contents)
            let size = UInt32(truncatingIfNeeded: entry.contents.count)
            let offset = UInt32(truncatingIfNeeded: archive.count)
            var local = Data()
            local.append(le32: 0x0403_4B50)
            local.append(le16: 20)
            local.append(le16: 0x0800)
            local.append(le16: 0)
            local.append(le16: dosTime)
            local.append(le16: dosDate)
            local.append(le32: crc)
            local.append(le32: size)
            local.append(le32: size)
            local.append(le16: UInt16(name.count))
            local.append(le16: 0)
            archive.append(local)
            archive.append(name)
            archive.append(entry.contents)

            central.append(le32: 0x0201_4B50)
            central.append(le16: 20)
            central.append(le16: 20)
            central.append(le16: 0x0800)
            central.append(le16: 0)
            central.append(le16: dosTime)
            central.append(le16: dosDate)
            central.append(le32: crc)
            central.append(le32: size)
            central.append(le32: size)
            central.append(le16: UInt16(name.count))
            central.append(le16: 0)
            central.append(le16: 0)
            central.append(le16: 0)
            central.append(le16: 0)
            central.append(le32: 0)
            central.append(le32: offset)
            central.append(name)
        }
        let centralOffset = UInt32(truncatingIfNeeded: archive.count)
        archive.append(central)
        archive.append(le32: 0x0605_4B50)
        archive.append(le16: 0)
        archive.append(le16: 0)
        archive.append(le16: UInt16(entries.count))
        archive.append(le16: UInt16(entries.count))
        archive.append(le32: UInt32(central.count))
        archive.append(le32: centralOffset)
        archive.append(le16: 0)
        return archive
    }

    /// The entries of an archive written by ``make(_:)`` (stored entries only), with each
    /// CRC verified; `nil` when the bytes are not such an archive.
    public static func entries(of archive: Data) -> [Entry]? {
        let bytes = [UInt8](archive)
        var entries: [Entry] = []
        var offset = 0
        func le16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func le32(_ at: Int) -> UInt32 { UInt32(le16(at)) | UInt32(le16(at + 2)) << 16 }
        while offset + 30 <= bytes.count, le32(offset) == 0x0403_4B50 {
            let crc = le32(offset + 14)
            let size = Int(le32(offset + 18))
            let nameLength = le16(offset + 26), extraLength = le16(offset + 28)
            let start = offset + 30 + nameLength + extraLength
            guard le16(offset + 8) == 0, start + size <= bytes.count,
                let name = String(bytes: bytes[(offset + 30)..<(offset + 30 + nameLength)], encoding: .utf8)
            else { return nil }
            let contents = Data(bytes[start..<(start + size)])
            guard CRC32.checksum(contents) == crc else { return nil }
            entries.append(Entry(path: name, contents: contents))
            offset = start + size
        }
        guard offset + 4 <= bytes.count, le32(offset) == 0x0201_4B50 || entries.isEmpty else { return nil }
        return entries
    }
}

/// CRC-32 (IEEE 802.3), as ZIP uses.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        append(le16: UInt16(value & 0xFFFF))
        append(le16: UInt16(value >> 16))
    }
}
