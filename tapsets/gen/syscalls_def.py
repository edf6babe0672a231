#!/usr/bin/env python3
"""Regenerate tapsets/syscalls.def, the table of x86-64 syscalls that
inject/syscall_tapset.c turns into the syscall tapset at pass 1.

    tapsets/gen/syscalls_def.py [HEADERS_DIR] > tapsets/syscalls.def

HEADERS_DIR is a Debian linux-headers-R-amd64 directory (default: the newest
under /usr/src). Numbers come from its generated unistd_64.h; prototypes
from include/linux/syscalls.h of the matching -common package. The policy
below (x86-64 entry points that differ from sys_NAME, argument names stap
users know, how each argument is printed in argstr) is the reviewed part:
edit it here, regenerate, and review the diff of syscalls.def.
"""
import glob
import os
import re
import sys

# x86-64 entry points that are not __x64_sys_NAME (arch/x86/entry/syscalls/
# syscall_64.tbl, which the headers packages do not ship).
ENTRY = {
    'stat': 'newstat', 'fstat': 'newfstat', 'lstat': 'newlstat',
    'uname': 'newuname', 'umount2': 'umount',
}
# Numbers with no entry point on x86-64 (sys_ni_syscall): listed in the
# table so the numbering is complete, never probed.
NOT_IMPLEMENTED = {
    '_sysctl', 'create_module', 'get_kernel_syms', 'query_module', 'nfsservctl',
    'getpmsg', 'putpmsg', 'afs_syscall', 'tuxcall', 'security', 'epoll_ctl_old',
    'epoll_wait_old', 'vserver', 'uselib', 'set_thread_area', 'get_thread_area',
}
# Prototypes missing from include/linux/syscalls.h or with unnamed
# parameters there (x86-64 variants).
PROTO = {
    'mmap': 'unsigned long addr, unsigned long len, unsigned long prot, '
            'unsigned long flags, unsigned long fd, unsigned long off',
    'clone': 'unsigned long clone_flags, unsigned long newsp, int __user *parent_tidptr, '
             'int __user *child_tidptr, unsigned long tls',
    'rt_sigaction': 'int sig, const struct sigaction __user *act, '
                    'struct sigaction __user *oact, size_t sigsetsize',
    'rt_sigreturn': '', 'fork': '', 'vfork': '',
    'arch_prctl': 'int option, unsigned long arg2',
    'iopl': 'unsigned int level',
    'modify_ldt': 'int func, void __user *ptr, unsigned long bytecount',
    'ioperm': 'unsigned long from, unsigned long num, int turn_on',
    'nanosleep': 'struct __kernel_timespec __user *rqtp, struct __kernel_timespec __user *rmtp',
    'socket': 'int family, int type, int protocol',
    'socketpair': 'int family, int type, int protocol, int __user *sv',
    'connect': 'int sockfd, struct sockaddr __user *serv_addr, int addrlen',
    'bind': 'int sockfd, struct sockaddr __user *my_addr, int addrlen',
    'listen': 'int sockfd, int backlog',
    'accept': 'int sockfd, struct sockaddr __user *addr, int __user *addrlen',
    'accept4': 'int sockfd, struct sockaddr __user *addr, int __user *addrlen, int flags',
    'getsockname': 'int sockfd, struct sockaddr __user *addr, int __user *addrlen',
    'getpeername': 'int sockfd, struct sockaddr __user *addr, int __user *addrlen',
    'sendto': 'int sockfd, void __user *buf, size_t len, unsigned int flags, '
              'struct sockaddr __user *to, int tolen',
    'recvfrom': 'int sockfd, void __user *buf, size_t len, unsigned int flags, '
                'struct sockaddr __user *from, int __user *fromlen',
    'shutdown': 'int sockfd, int how',
    'io_submit': 'aio_context_t ctx_id, long nr, struct iocb __user * __user *iocbpp',
    'pselect6': 'int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp, '
                'struct __kernel_timespec __user *tsp, void __user *sig',
    'ppoll': 'struct pollfd __user *ufds, unsigned int nfds, '
             'struct __kernel_timespec __user *tsp, const sigset_t __user *sigmask, '
             'size_t sigsetsize',
}
# The names stap's syscall tapset gives an argument, where they differ
# from the kernel's parameter name: (syscall or '*', kernel name) -> name.
RENAME = {
    ('*', 'filename'): 'filename', ('*', 'buf'): 'buf',
    ('mkdir', 'pathname'): 'pathname', ('mkdirat', 'pathname'): 'pathname',
    ('*', 'statbuf'): 'buf', ('*', 'dirent'): 'dirp',
    ('*', 'usockvec'): 'sv', ('*', 'fildes'): 'fildes',
    ('*', 'upeer_sockaddr'): 'addr', ('*', 'upeer_addrlen'): 'addrlen',
    ('*', 'umyaddr'): 'my_addr', ('*', 'uservaddr'): 'serv_addr',
    ('*', 'buff'): 'buf', ('*', 'ubuf'): 'buf', ('*', 'len'): 'len',
    ('*', 'off'): 'offset', ('*', 'pos'): 'pos',
    ('*', 'ufds'): 'ufds', ('*', 'timeout_msecs'): 'timeout',
    ('*', 'tvp'): 'tv', ('*', 'tz'): 'tz',
    ('*', 'rqtp'): 'req', ('*', 'rmtp'): 'rem',
    ('*', 'oldname'): 'oldpath', ('*', 'newname'): 'newpath',
    ('*', 'pathname'): 'pathname',
    ('*', 'file'): 'file',
    ('*', 'nset'): 'set', ('*', 'oset'): 'oldset',
    ('*', 'act'): 'act', ('*', 'oact'): 'oact',
    ('*', 'pid'): 'pid', ('*', 'upid'): 'pid',
    ('*', 'stat_addr'): 'status', ('*', 'ru'): 'rusage',
    ('*', 'unewstat'): 'buf', ('*', 'user_stat'): 'buf',
    ('*', 'dfd'): 'dfd', ('dup', 'fildes'): 'oldfd',
    # "name" is the syscall's name in every probe: arguments called so move
    ('*', 'name'): 'name_str', ('sethostname', 'name'): 'hostname',
    ('setdomainname', 'name'): 'domainname', ('umount2', 'name'): 'target',
    ('acct', 'name'): 'filename', ('memfd_create', 'uname_ptr'): 'uname', ('delete_module', 'name_user'): 'name_user',
    ('symlink', 'old'): 'oldpath', ('symlink', 'new'): 'newpath', ('*', 'olddfd'): 'olddfd', ('*', 'newdfd'): 'newdfd',
}

# How each argument prints in argstr. Per-syscall choices first, then the
# defaults by name and C type below.
KIND = {
    ('open', 'flags'): 'open_flags', ('openat', 'flags'): 'open_flags',
    ('open', 'mode'): 'mode_creat(flags)', ('openat', 'mode'): 'mode_creat(flags)',
    ('openat2', 'how'): 'ptr', ('creat', 'mode'): 'mode',
    ('write', 'buf'): 'buf(count)', ('pwrite64', 'buf'): 'buf(count)',
    ('sendto', 'buf'): 'buf(len)',
    ('mmap', 'prot'): 'prot', ('mprotect', 'prot'): 'prot',
    ('pkey_mprotect', 'prot'): 'prot', ('mmap', 'flags'): 'mmap_flags',
    ('mmap', 'fd'): 'fd', ('mmap', 'addr'): 'hex', ('mmap', 'off'): 'hex',
    ('mprotect', 'start'): 'hex', ('munmap', 'addr'): 'hex',
    ('mremap', 'addr'): 'hex', ('mremap', 'new_addr'): 'hex',
    ('mremap', 'flags'): 'mremap_flags',
    ('madvise', 'start'): 'hex', ('madvise', 'len_in'): 'ulong',
    ('madvise', 'behavior'): 'madvice', ('brk', 'brk'): 'hex',
    ('mlock', 'start'): 'hex', ('munlock', 'start'): 'hex',
    ('mlock2', 'start'): 'hex', ('msync', 'start'): 'hex', ('msync', 'flags'): 'msync_flags',
    ('mincore', 'start'): 'hex',
    ('lseek', 'whence'): 'whence', ('lseek', 'offset'): 'long',
    ('access', 'mode'): 'access_mode', ('faccessat', 'mode'): 'access_mode',
    ('faccessat2', 'mode'): 'access_mode',
    ('fcntl', 'cmd'): 'fcntl_cmd', ('fcntl', 'arg'): 'hex',
    ('ioctl', 'cmd'): 'hex', ('ioctl', 'arg'): 'hex',
    ('rt_sigprocmask', 'how'): 'sigprocmask_how',
    ('socket', 'family'): 'sock_family', ('socket', 'type'): 'sock_type',
    ('socketpair', 'family'): 'sock_family', ('socketpair', 'type'): 'sock_type',
    ('futex', 'op'): 'futex_op', ('futex', 'uaddr'): 'ptr', ('futex', 'utime'): 'ptr',
    ('futex', 'val3'): 'uint',
    ('clone', 'clone_flags'): 'clone_flags', ('clone', 'newsp'): 'hex',
    ('clone', 'tls'): 'hex', ('unshare', 'unshare_flags'): 'clone_flags',
    ('setns', 'flags'): 'clone_flags',
    ('wait4', 'options'): 'wait_options', ('waitid', 'options'): 'wait_options',
    ('execve', 'argv'): 'argv', ('execve', 'envp'): 'envp',
    ('execveat', 'argv'): 'argv', ('execveat', 'envp'): 'envp',
    ('execveat', 'flags'): 'at_flags',
    ('pipe2', 'flags'): 'fd_flags', ('dup3', 'flags'): 'fd_flags',
    ('eventfd2', 'flags'): 'fd_flags', ('epoll_create1', 'flags'): 'fd_flags',
    ('inotify_init1', 'flags'): 'fd_flags', ('signalfd4', 'flags'): 'fd_flags',
    ('timerfd_create', 'flags'): 'fd_flags', ('accept4', 'flags'): 'fd_flags',
    ('memfd_create', 'flags'): 'memfd_flags', ('memfd_create', 'uname'): 'str',
    ('epoll_ctl', 'op'): 'epoll_op',
    ('sendto', 'flags'): 'msg_flags', ('recvfrom', 'flags'): 'msg_flags',
    ('sendmsg', 'flags'): 'msg_flags', ('recvmsg', 'flags'): 'msg_flags',
    ('sendmmsg', 'flags'): 'msg_flags', ('recvmmsg', 'flags'): 'msg_flags',
    ('shutdown', 'how'): 'shutdown_how',
    ('getrlimit', 'resource'): 'rlimit_resource', ('setrlimit', 'resource'): 'rlimit_resource',
    ('prlimit64', 'resource'): 'rlimit_resource',
    ('flock', 'cmd'): 'flock_cmd',
    ('kill', 'sig'): 'signal', ('tkill', 'sig'): 'signal', ('tgkill', 'sig'): 'signal',
    ('rt_sigaction', 'sig'): 'signal', ('rt_sigqueueinfo', 'sig'): 'signal',
    ('rt_tgsigqueueinfo', 'sig'): 'signal', ('pidfd_send_signal', 'sig'): 'signal',
    ('clock_gettime', 'which_clock'): 'clockid', ('clock_settime', 'which_clock'): 'clockid',
    ('clock_getres', 'which_clock'): 'clockid', ('clock_nanosleep', 'which_clock'): 'clockid',
    ('clock_adjtime', 'which_clock'): 'clockid', ('timer_create', 'which_clock'): 'clockid',
    ('timerfd_create', 'clockid'): 'clockid',
    ('unlinkat', 'flag'): 'at_flags', ('fchownat', 'flag'): 'at_flags',
    ('linkat', 'flags'): 'at_flags', ('newfstatat', 'flag'): 'at_flags',
    ('statx', 'flags'): 'at_flags', ('utimensat', 'flags'): 'at_flags',
    ('faccessat2', 'flags'): 'at_flags', ('name_to_handle_at', 'flag'): 'at_flags',
    ('statx', 'mask'): 'hex', ('fchmodat', 'mode'): 'mode',
    ('mknod', 'mode'): 'mknod_mode', ('mknodat', 'mode'): 'mknod_mode',
    ('umask', 'mask'): 'mode',
    ('getrandom', 'flags'): 'getrandom_flags', ('renameat2', 'flags'): 'hex',
    ('fadvise64', 'advice'): 'fadvice', ('getrusage', 'who'): 'rusage_who',
    ('inotify_add_watch', 'mask'): 'inotify_mask', ('prctl', 'option'): 'prctl_option',
    ('arch_prctl', 'arg2'): 'hex',
    ('prctl', 'arg2'): 'hex', ('prctl', 'arg3'): 'hex',
    ('prctl', 'arg4'): 'hex', ('prctl', 'arg5'): 'hex',
    ('set_tid_address', 'tidptr'): 'ptr', ('set_robust_list', 'head'): 'ptr',
    ('getxattr', 'name'): 'str', ('setxattr', 'name'): 'str', ('lgetxattr', 'name'): 'str',
    ('lsetxattr', 'name'): 'str', ('fgetxattr', 'name'): 'str', ('fsetxattr', 'name'): 'str',
    ('removexattr', 'name'): 'str', ('lremovexattr', 'name'): 'str',
    ('fremovexattr', 'name'): 'str',
    ('sethostname', 'name'): 'buf(len)', ('setdomainname', 'name'): 'buf(len)',
    ('init_module', 'uargs'): 'str', ('finit_module', 'uargs'): 'str',
    ('delete_module', 'name_user'): 'str', ('delete_module', 'flags'): 'fd_flags',
    ('mount', 'dev_name'): 'str', ('mount', 'dir_name'): 'path', ('mount', 'type'): 'str',
    ('mount', 'flags'): 'hex', ('umount', 'name'): 'path',
    ('swapon', 'specialfile'): 'path', ('swapoff', 'specialfile'): 'path',
    ('acct', 'name'): 'path', ('pivot_root', 'new_root'): 'path',
    ('pivot_root', 'put_old'): 'path', ('chroot', 'filename'): 'path',
    ('mq_open', 'u_name'): 'str', ('mq_unlink', 'u_name'): 'str',
    ('add_key', '_type'): 'str', ('add_key', '_description'): 'str',
    ('request_key', '_type'): 'str', ('request_key', '_description'): 'str',
    ('request_key', '_callout_info'): 'str',
    ('rseq', 'sig'): 'hex', ('utime', 'filename'): 'path',
    ('symlink', 'old'): 'path', ('symlink', 'new'): 'path',
    ('capget', 'header'): 'ptr', ('capget', 'dataptr'): 'ptr',
    ('capset', 'header'): 'ptr', ('capset', 'data'): 'ptr',
    ('pkey_mprotect', 'start'): 'hex', ('dup', 'fildes'): 'fd',
    ('move_mount', 'from_dfd'): 'dirfd', ('move_mount', 'to_dfd'): 'dirfd',
    ('move_mount', 'from_path'): 'path', ('move_mount', 'to_path'): 'path',
    ('open_by_handle_at', 'mountdirfd'): 'fd', ('open_by_handle_at', 'flags'): 'open_flags',
    ('fcntl', 'cmd'): 'fcntl_cmd', ('fsconfig', 'key'): 'str',
    ('umount2', 'name'): 'path', ('utimes', 'filename'): 'path',
}
PATH_NAMES = {'filename', 'pathname', 'path', 'oldname', 'newname', 'name',
              'oldpath', 'newpath', 'dir_name', 'specialfile', 'library'}
FD_NAMES = {'fd', 'oldfd', 'newfd', 'fd_in', 'fd_out', 'out_fd', 'in_fd', 'epfd',
            'ufd', 'fdin', 'fdout', 'pidfd', 'sockfd', 'fs_fd',
            'ruleset_fd', 'fanotify_fd', 'kernel_fd', 'initrd_fd'}
DIRFD_NAMES = {'dfd', 'olddfd', 'newdfd', 'dirfd'}
# Return values printed in hex (addresses), octal (modes) or not at all.
RET = {
    'mmap': 'hex', 'mremap': 'hex', 'brk': 'hex', 'shmat': 'hex',
    'umask': 'octal', 'exit': 'void', 'exit_group': 'void', 'rt_sigreturn': 'void',
}
FD_RET = {'open', 'openat', 'openat2', 'creat', 'dup', 'dup2', 'dup3', 'socket',
          'accept', 'accept4', 'epoll_create', 'epoll_create1', 'eventfd', 'eventfd2',
          'inotify_init', 'inotify_init1', 'signalfd', 'signalfd4', 'timerfd_create',
          'memfd_create', 'pidfd_open', 'userfaultfd', 'perf_event_open', 'fanotify_init',
          'open_by_handle_at', 'open_tree', 'fsopen', 'fsmount', 'fspick',
          'bpf', 'memfd_secret', 'pidfd_getfd', 'landlock_create_ruleset'}


def headers_dirs(argv):
    if len(argv) > 1:
        arch_dir = argv[1]
    else:
        cands = sorted(glob.glob('/usr/src/linux-headers-*-amd64'))
        if not cands:
            sys.exit('syscalls_def.py: no /usr/src/linux-headers-*-amd64')
        arch_dir = cands[-1]
    common = re.sub(r'-amd64$', '-common', arch_dir)
    return arch_dir, common


def read_numbers(arch_dir):
    path = os.path.join(arch_dir, 'arch/x86/include/generated/uapi/asm/unistd_64.h')
    out = []
    for line in open(path):
        m = re.match(r'#define __NR_(\w+)\s+(\d+)', line)
        if m:
            out.append((int(m.group(2)), m.group(1)))
    return out


def read_prototypes(common):
    protos = {}
    for rel in ('include/linux/syscalls.h', 'arch/x86/include/asm/syscalls.h'):
        path = os.path.join(common, rel)
        if not os.path.exists(path):
            continue
        text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
        for m in re.finditer(r'asmlinkage\s+long\s+sys_(\w+)\s*\(([^;]*?)\)\s*;', text):
            name, args = m.group(1), ' '.join(m.group(2).split())
            protos.setdefault(name, args)
    return protos


def split_decl(decl):
    """'const char __user *filename' -> ('const char __user *', 'filename')"""
    m = re.match(r'(.*?)(\w+)$', decl.strip())
    if not m or not re.search(r'[\w*]', m.group(1)):
        return None
    ctype = m.group(1).strip()
    if not ctype:
        return None
    if ctype.endswith('*'):
        ctype = re.sub(r'\s*\*$', ' *', ctype)
    return ctype, m.group(2)


def default_kind(sc, ctype, name):
    user_ptr = '__user' in ctype and '*' in ctype
    if name in DIRFD_NAMES and not user_ptr:
        return 'dirfd'
    if name in FD_NAMES and not user_ptr:
        return 'fd'
    if user_ptr:
        if 'char' in ctype and 'const' in ctype and '* const' not in ctype \
                and '*const' not in ctype:
            return 'path' if name in PATH_NAMES else 'str'
        return 'ptr'
    if '*' in ctype:
        return 'ptr'
    if name == 'sig':
        return 'signal'
    if ctype == 'umode_t':
        return 'mode'
    if name in ('flags', 'flag') and ctype.startswith('unsigned'):
        return 'hex'
    if ctype in ('int', 'pid_t', 'key_serial_t', 'timer_t', 'clockid_t', 'mqd_t',
                 'rwf_t', '__s32', 'int32_t', 'aio_context_t'):
        return 'int'
    if ctype in ('long', 'off_t', 'loff_t', '__kernel_off_t', 'time_t', 'long long',
                 '__s64'):
        return 'long'
    if ctype in ('unsigned int', 'unsigned', 'uid_t', 'gid_t', 'qid_t', 'u32', '__u32',
                 'old_uid_t', 'old_gid_t', 'uint32_t'):
        return 'uint'
    return 'ulong'


def stap_name(sc, name, kind):
    new = RENAME.get((sc, name)) or RENAME.get(('*', name)) or name
    return new.lstrip('_') or name


def main():
    arch_dir, common = headers_dirs(sys.argv)
    protos = read_protos = read_prototypes(common)
    release = os.path.basename(arch_dir).replace('linux-headers-', '')
    print('# x86-64 syscalls: the one table the syscall tapset is generated from.')
    print('# Generated by tapsets/gen/syscalls_def.py from the %s headers;' % release)
    print('# edit the script\'s policy tables, regenerate, review the diff.')
    print('#')
    print('# nr name entry return : type name:kind, ...')
    print('#   entry   the probed function, "-" when x86-64 has none (sys_ni_syscall)')
    print('#   return  int, fd, hex, octal or void: how retstr prints the value')
    print('#   name    the stap variable; kind says how argstr prints it (see')
    print('#           inject/syscall_tapset.c); kind(arg) refers to another argument')
    for nr, sc in read_numbers(arch_dir):
        if sc == 'syscalls':	# __NR_syscalls, the count
            continue
        entry = ENTRY.get(sc, sc)
        proto = PROTO.get(sc, read_protos.get(entry))
        if sc in NOT_IMPLEMENTED:
            print('%d %s - int :' % (nr, sc))
            continue
        if proto is None:
            sys.exit('syscalls_def.py: no prototype for %s' % sc)
        args = []
        if proto not in ('', 'void'):
            for decl in proto.split(','):
                tn = split_decl(decl)
                if tn is None:
                    sys.exit('syscalls_def.py: unnamed parameter in sys_%s(%s)' % (sc, proto))
                ctype, name = tn
                kind = KIND.get((sc, name)) or default_kind(sc, ctype, name)
                args.append('%s %s:%s' % (ctype, stap_name(sc, name, kind), kind))
        ret = RET.get(sc) or ('fd' if sc in FD_RET else 'int')
        print('%d %s __x64_sys_%s %s : %s' % (nr, sc, entry, ret, ', '.join(args)))


if __name__ == '__main__':
    main()
