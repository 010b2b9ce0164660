package dev.quill.model.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a minimal x86-64 ELF shared object that exports MKL's two "is this an Intel CPU"
 * functions, answering yes: what {@code native/mkl-intel-path.c} compiles to, written from Java so
 * that no compiler is needed where Quill runs. Loaded with RTLD_GLOBAL before PyTorch, its
 * definitions come first in the global scope that libtorch_cpu.so's PLT resolves through.
 *
 * <p>Layout (what glibc's loader reads; no section headers): the ELF header; four program headers
 * (a read+execute load of the first page, a read+write load of the second, the dynamic segment in
 * the second, a non-executable stack); then DT_HASH, the symbol table, the string table and the
 * code in the first page, and the dynamic section in the second (glibc adjusts its addresses in
 * place, so it must be writable). Each function is {@code mov eax, 1; ret}. MKL asks once and keeps
 * the answer (turning it off again later in the process was measured to change nothing), so the
 * object must be loaded before MKL's first product.
 */
final class IntelCpuObject {

    static final String[] FUNCTIONS = {"mkl_serv_intel_cpu_true", "mkl_serv_intel_cpu"};
    static final String SONAME = "libquill-mkl-intel-path.so";

    private static final int PAGE = 0x1000;
    private static final int PHDRS = 4;
    private static final int HASH = 64 + PHDRS * 56;               // after the ELF and program headers
    private static final int SYMBOLS = 1 + FUNCTIONS.length;       // null, then the functions
    private static final int SYMTAB = HASH + 4 * (2 + 1 + SYMBOLS);
    private static final int STRTAB = SYMTAB + 24 * SYMBOLS;
    private static final int DYNAMIC = PAGE;
    private static final int DYNAMIC_ENTRIES = 7;
    private static final int CODE_SIZE = 16;                       // endbr64; mov eax, 1; ret; padding

    private IntelCpuObject() {
    }

    static byte[] bytes() {
        byte[] strings = strings();
        int code = align(STRTAB + strings.length, 16);
        int textEnd = code + CODE_SIZE * FUNCTIONS.length;
        int fileSize = DYNAMIC + 16 * DYNAMIC_ENTRIES;
        ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);

        // ELF header: 64-bit, little-endian, ET_DYN, x86-64, program headers right after it.
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 3).putShort((short) 62).putInt(1).putLong(0).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) PHDRS).putShort((short) 64).putShort((short) 0).putShort((short) 0);

        phdr(b, 1, 5, 0, textEnd, PAGE);                              // PT_LOAD, R+X
        phdr(b, 1, 6, DYNAMIC, fileSize - DYNAMIC, PAGE);             // PT_LOAD, R+W
        phdr(b, 2, 6, DYNAMIC, 16 * DYNAMIC_ENTRIES, 8);              // PT_DYNAMIC
        phdr(b, 0x6474e551, 6, 0, 0, 16);                             // PT_GNU_STACK, not executable

        // DT_HASH with one bucket: every lookup walks the chain symbols-1 → ... → 1 → 0.
        b.position(HASH);
        b.putInt(1).putInt(SYMBOLS).putInt(SYMBOLS - 1);
        b.putInt(0);
        for (int i = 1; i < SYMBOLS; i++) {
            b.putInt(i - 1);
        }

        b.position(SYMTAB + 24); // symbol 0 stays null
        int name = 1;
        for (int i = 0; i < FUNCTIONS.length; i++) {
            symbol(b, name, 0x12, code + CODE_SIZE * i, 10);                // STB_GLOBAL, STT_FUNC
            name += FUNCTIONS[i].length() + 1;
        }
        b.position(STRTAB).put(strings);

        for (int i = 0; i < FUNCTIONS.length; i++) {
            b.position(code + CODE_SIZE * i);
            b.put(new byte[] {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa});      // endbr64 (a nop without CET)
            b.put((byte) 0xb8).putInt(1);                                   // mov eax, 1
            b.put((byte) 0xc3);                                             // ret
        }

        b.position(DYNAMIC);
        dyn(b, 4, HASH);                     // DT_HASH
        dyn(b, 5, STRTAB);                   // DT_STRTAB
        dyn(b, 6, SYMTAB);                   // DT_SYMTAB
        dyn(b, 10, strings.length);          // DT_STRSZ
        dyn(b, 11, 24);                      // DT_SYMENT
        dyn(b, 14, stringOffset(SONAME));    // DT_SONAME
        dyn(b, 0, 0);                        // DT_NULL
        return b.array();
    }

    /** "\0" + each function + the soname, each ending in "\0". */
    private static byte[] strings() {
        StringBuilder s = new StringBuilder("\0");
        for (String f : FUNCTIONS) {
            s.append(f).append('\0');
        }
        s.append(SONAME).append('\0');
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int stringOffset(String name) {
        return new String(strings(), StandardCharsets.US_ASCII).indexOf(name + "\0");
    }

    private static void phdr(ByteBuffer b, int type, int flags, long offset, long size, long align) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(offset).putLong(offset)
                .putLong(size).putLong(size).putLong(align);
    }

    /** Any section index but SHN_UNDEF marks a definition; there are no section headers to point at. */
    private static void symbol(ByteBuffer b, int name, int info, long value, long size) {
        b.putInt(name).put((byte) info).put((byte) 0).putShort((short) 1).putLong(value).putLong(size);
    }

    private static void dyn(ByteBuffer b, long tag, long value) {
        b.putLong(tag).putLong(value);
    }

    private static int align(int at, int to) {
        return (at + to - 1) / to * to;
    }
}
