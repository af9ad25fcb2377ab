import Foundation

/// The pages of an environment's `data.mdb`, read with `pread` rather than through the
/// memory map and checked against LMDB's page layout, so that damage is reported and
/// never faults the process.
///
/// The layout is that of liblmdb 0.9 on a 64-bit machine (`mdb.c`: `MDB_page`, `MDB_node`,
/// `MDB_meta`, `MDB_db`). Pages of `MDB_DUPFIXED` databases (`P_LEAF2`) and the sub-pages
/// of `MDB_DUPSORT` values are checked by their headers only; Attest uses neither.
final class DataFile {
    /// The store directory, for the errors.
    let store: String
    /// The file's size in bytes.
    let size: Int
    /// Page size in bytes (`mm_psize` of the first meta page).
    let pageSize: Int
    private let descriptor: Int32

    /// One snapshot's meta page: where its trees start and how far the file is used.
    struct Meta {
        let transaction: UInt64
        let lastPage: UInt64
        let free: Tree
        let main: Tree
    }

    /// The root and depth of one B-tree (an `MDB_db`).
    struct Tree {
        let root: UInt64
        let depth: Int

        /// Reads an `MDB_db` (48 bytes): `md_depth` at 6, `md_root` at 40.
        init(_ bytes: ArraySlice<UInt8>) {
            depth = Int(bytes.load(UInt16.self, at: 6))
            root = bytes.load(UInt64.self, at: 40)
        }
    }

    /// A leaf node: its key, its flags and its data (for `F_BIGDATA`, the first page of the
    /// overflow run holding the value) and the size of its value.
    struct Node {
        let key: ArraySlice<UInt8>
        let flags: UInt16
        let data: ArraySlice<UInt8>
        let valueSize: Int
    }

    /// lmdb's `mdb.c`: page header, node and meta layout.
    private enum Layout {
        static let pageHeader = 16, nodeHeader = 8, database = 48
        static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, meta: UInt16 = 0x08, leaf2: UInt16 = 0x20
        static let bigData: UInt16 = 0x01, subDatabase: UInt16 = 0x02, duplicates: UInt16 = 0x04
        static let magic: UInt32 = 0xBEEF_C0DE, version: UInt32 = 1
        /// `P_INVALID`: the root of an empty tree.
        static let noPage = UInt64.max
        /// Offsets in a meta page: `mm_magic`, `mm_version`, `mm_dbs[0]`, `mm_dbs[1]`, `mm_last_pg`, `mm_txnid`.
        static let magicAt = 16, versionAt = 20, freeAt = 40, mainAt = 88, lastPageAt = 136, transactionAt = 144
    }

    /// Opens `STORE/data.mdb` for reading and learns its page size from the first meta page.
    init(store: String) throws {
        self.store = store
        let descriptor = open(store + "/data.mdb", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LMDBError(code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw LMDBError(code: code)
        }
        size = Int(status.st_size)
        var header = [UInt8](repeating: 0, count: Layout.transactionAt + 8)
        let read = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        let pageSize = read == header.count ? Int(header[...].load(UInt32.self, at: Layout.freeAt)) : 0
        guard pageSize >= 512, pageSize.nonzeroBitCount == 1 else {
            close(descriptor)
            throw StoreDamage(store: store, kind: .unreadableMeta)
        }
        self.pageSize = pageSize
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The meta page of transaction `transaction` (`nil` when a later commit has since
    /// overwritten it), or the latest when `transaction` is `nil`, as LMDB picks it.
    func meta(transaction: UInt64? = nil) throws -> Meta? {
        let metas = try (0..<2).map { number -> Meta in
            let page = try self.page(UInt64(number), database: "meta")
            guard page.load(UInt16.self, at: 10) & Layout.meta != 0,
                  page.load(UInt32.self, at: Layout.magicAt) == Layout.magic,
                  page.load(UInt32.self, at: Layout.versionAt) == Layout.version
            else { throw StoreDamage(store: store, kind: .unreadableMeta) }
            return Meta(
                transaction: page.load(UInt64.self, at: Layout.transactionAt),
                lastPage: page.load(UInt64.self, at: Layout.lastPageAt),
                free: Tree(page[Layout.freeAt..<Layout.freeAt + Layout.database]),
                main: Tree(page[Layout.mainAt..<Layout.mainAt + Layout.database]))
        }
        guard let transaction else { return metas.max { $0.transaction < $1.transaction } }
        return metas.first { $0.transaction == transaction }
    }

    /// Whether every page from the end of the file through `meta.lastPage` is listed free in
    /// `meta`'s snapshot. mdb.c: "Actually the file may be shorter if the freeDB lists the
    /// final pages": LMDB may leave such pages unwritten, and never reads them.
    func unwrittenTailIsFree(_ meta: Meta) throws -> Bool {
        let firstMissing = UInt64(size / pageSize)
        guard firstMissing <= meta.lastPage else { return true }
        var free: UInt64 = 0
        try walk(meta.free, database: "(free pages)", meta: meta) { node in
            // A freeDB value is an IDL: a count, then that many page numbers.
            let list = try value(node, database: "(free pages)")
            guard list.count >= 8 else { return }
            let count = Swift.min(Int(clamping: list.load(UInt64.self, at: 0)), list.count / 8 - 1)
            for index in 0..<count where list.load(UInt64.self, at: 8 + 8 * index) >= firstMissing { free += 1 }
        }
        return free >= meta.lastPage - firstMissing + 1
    }

    /// Walks every page of the free-page tree, the main tree and each named database of
    /// `meta`'s snapshot, checking each page's header and nodes, and each overflow run.
    /// - Throws: `StoreDamage` naming the first damaged page and its database.
    func checkPages(of meta: Meta) throws {
        try walk(meta.free, database: "(free pages)", meta: meta) { _ in }
        try walk(meta.main, database: "(main)", meta: meta) { node in
            guard node.flags & Layout.subDatabase != 0 else { return }
            let name = String(decoding: node.key, as: UTF8.self)
            guard node.data.count == Layout.database else {
                throw damage(meta.main.root, "(main)", "the record of database \(name) has \(node.data.count) bytes, not \(Layout.database)")
            }
            try walk(Tree(node.data), database: name, meta: meta) { _ in }
        }
    }

    /// Calls `leaf` with each leaf node in tree order, checking every branch and leaf page
    /// and the header of every overflow run on the way.
    private func walk(_ tree: Tree, database: String, meta: Meta, leaf: (Node) throws -> Void) throws {
        guard tree.root != Layout.noPage else { return }
        try visit(tree.root, levels: tree.depth, database: database, meta: meta, leaf: leaf)
    }

    private func visit(_ number: UInt64, levels: Int, database: String, meta: Meta, leaf: (Node) throws -> Void) throws {
        guard number >= 2, number <= meta.lastPage else {
            throw damage(number, database, "it is outside the pages in use (2 to \(meta.lastPage))")
        }
        let page = try self.page(number, database: database)
        let flags = page.load(UInt16.self, at: 10) & ~Layout.leaf2
        let expected = levels > 1 ? Layout.branch : Layout.leaf
        guard flags == expected else {
            throw damage(number, database, "its flags are 0x\(String(flags, radix: 16)) where a \(levels > 1 ? "branch" : "leaf") page is expected (the tree's depth is \(levels) here)")
        }
        let lower = Int(page.load(UInt16.self, at: 12)), upper = Int(page.load(UInt16.self, at: 14))
        guard lower >= Layout.pageHeader, lower <= upper, upper <= pageSize, (lower - Layout.pageHeader) % 2 == 0 else {
            throw damage(number, database, "its free space runs from \(lower) to \(upper), impossible in a page of \(pageSize) bytes")
        }
        let count = (lower - Layout.pageHeader) / 2
        guard levels == 1 || count > 0 else { throw damage(number, database, "it is a branch page with no entries") }
        guard page.load(UInt16.self, at: 10) & Layout.leaf2 == 0 else { return }
        for index in 0..<count {
            let at = Int(page.load(UInt16.self, at: Layout.pageHeader + 2 * index))
            guard at >= upper, at + Layout.nodeHeader <= pageSize else {
                throw damage(number, database, "its entry \(index) starts at \(at), outside the page's used space (\(upper) to \(pageSize))")
            }
            let low = UInt64(page.load(UInt16.self, at: at)), high = UInt64(page.load(UInt16.self, at: at + 2))
            let nodeFlags = page.load(UInt16.self, at: at + 4), keySize = Int(page.load(UInt16.self, at: at + 6))
            let keyAt = at + Layout.nodeHeader
            if levels > 1 {
                guard keyAt + keySize <= pageSize else { throw damage(number, database, "its entry \(index) runs past the end of the page") }
                let child = low | high << 16 | UInt64(nodeFlags) << 32
                try visit(child, levels: levels - 1, database: database, meta: meta, leaf: leaf)
            } else {
                let valueSize = Int(low | high << 16), big = nodeFlags & Layout.bigData != 0
                let dataAt = keyAt + keySize, dataEnd = dataAt + (big ? 8 : valueSize)
                guard dataEnd <= pageSize else { throw damage(number, database, "its entry \(index) runs past the end of the page") }
                let node = Node(key: page[keyAt..<dataAt], flags: nodeFlags, data: page[dataAt..<dataEnd], valueSize: valueSize)
                if big { try checkOverflow(node.data.load(UInt64.self, at: 0), bytes: valueSize, database: database, meta: meta) }
                try leaf(node)
            }
        }
    }

    /// Checks the header of the overflow run starting at page `first` holding a value of `bytes` bytes.
    private func checkOverflow(_ first: UInt64, bytes: Int, database: String, meta: Meta) throws {
        let pages = overflowPages(bytes)
        guard first >= 2, first <= meta.lastPage, meta.lastPage - first + 1 >= UInt64(pages) else {
            throw damage(first, database, "an overflow run of \(pages) pages from here would end beyond the last page in use, \(meta.lastPage)")
        }
        let page = try self.page(first, database: database)
        guard page.load(UInt16.self, at: 10) == Layout.overflow else {
            throw damage(first, database, "its flags are 0x\(String(page.load(UInt16.self, at: 10), radix: 16)) where an overflow page is expected")
        }
        let stored = Int(page.load(UInt32.self, at: 12))
        guard stored == pages else {
            throw damage(first, database, "its overflow run holds \(stored) pages where its value of \(bytes) bytes needs \(pages)")
        }
        guard (Int(first) + pages) * pageSize <= size else {
            throw damage(first, database, "its overflow run of \(pages) pages ends beyond the end of the file (\(size) bytes)")
        }
    }

    /// mdb.c `OVPAGES`: the pages of an overflow run holding `bytes` bytes.
    private func overflowPages(_ bytes: Int) -> Int { (Layout.pageHeader - 1 + bytes) / pageSize + 1 }

    /// A leaf node's value: its data, or the content of its overflow run (already checked by the walk).
    private func value(_ node: Node, database: String) throws -> ArraySlice<UInt8> {
        guard node.flags & Layout.bigData != 0 else { return node.data }
        let run = try read(node.data.load(UInt64.self, at: 0), pages: overflowPages(node.valueSize), database: database)
        return run[Layout.pageHeader..<Layout.pageHeader + node.valueSize]
    }

    /// Page `number`, all of it.
    /// - Throws: `StoreDamage` when it lies beyond the end of the file or says it is another page.
    private func page(_ number: UInt64, database: String) throws -> ArraySlice<UInt8> {
        let page = try read(number, pages: 1, database: database)
        let stored = page.load(UInt64.self, at: 0)
        guard number < 2 || stored == number else {
            throw damage(number, database, "its header gives page number \(stored)")
        }
        return page
    }

    private func read(_ number: UInt64, pages: Int, database: String) throws -> ArraySlice<UInt8> {
        let inFile = UInt64(size / pageSize)
        guard number < inFile, UInt64(pages) <= inFile - number else {
            throw damage(number, database, "it lies beyond the end of the file (\(size) bytes)")
        }
        let offset = Int(number) * pageSize, count = pages * pageSize
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard read == count else { throw LMDBError(code: read < 0 ? errno : EIO) }
        return bytes[...]
    }

    private func damage(_ number: UInt64, _ database: String, _ problem: String) -> StoreDamage {
        StoreDamage(store: store, kind: .page(number: number, database: database, problem: problem))
    }
}

extension ArraySlice<UInt8> {
    /// The little-endian (host order) integer at `offset` from the slice's start.
    fileprivate func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
