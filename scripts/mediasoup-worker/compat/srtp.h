/*
 * Phòng họp offline build of the mediasoup worker: <srtp.h> compatibility.
 *
 * mediasoup 3.27 is written against versatica's libsrtp 3 fork, whose public
 * header is installed as <srtp.h>. Debian ships libsrtp 2.x (libsrtp2-dev) with
 * the header at <srtp2/srtp.h>. This header forwards to it; the differences in
 * the API (policy construction, in-place protect, srtp_remove_stream, error
 * codes) are handled by the patch in SrtpSession.cpp/.hpp and DepLibSRTP.cpp.
 */
#ifndef PHONGHOP_COMPAT_SRTP_H
#define PHONGHOP_COMPAT_SRTP_H

#include <srtp2/srtp.h>

#endif
