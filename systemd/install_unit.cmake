# Runs at install time (systemd/CMakeLists.txt sets IKEV2D_UNIT_SOURCE,
# IKEV2D_UNIT_STAGING, IKEV2D_UNIT_DIR, IKEV2D_SBINDIR): installs
# ikev2d.service with the daemon's path under the prefix used for this
# install. file(INSTALL) adds $DESTDIR itself.
if(IS_ABSOLUTE "${IKEV2D_SBINDIR}")
  set(sbindir "${IKEV2D_SBINDIR}")
else()
  set(sbindir "${CMAKE_INSTALL_PREFIX}/${IKEV2D_SBINDIR}")
endif()
if(IS_ABSOLUTE "${IKEV2D_UNIT_DIR}")
  set(unit_dir "${IKEV2D_UNIT_DIR}")
else()
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/${IKEV2D_UNIT_DIR}")
endif()
file(READ "${IKEV2D_UNIT_SOURCE}" unit)
string(REPLACE "/usr/sbin/ikev2d" "${sbindir}/ikev2d" unit "${unit}")
file(WRITE "${IKEV2D_UNIT_STAGING}/ikev2d.service" "${unit}")
file(INSTALL "${IKEV2D_UNIT_STAGING}/ikev2d.service" DESTINATION "${unit_dir}"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
